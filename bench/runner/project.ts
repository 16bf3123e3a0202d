/** Temp projects for the runner benchmark: a ratchet.yaml plus one generated JSONL suite. */

import { once } from "node:events";
import { createWriteStream, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CONCURRENCY } from "./parts.js";

export interface ProjectOptions {
  cases: number;
  concurrency: number;
  /** `local:fake-model` or `sim:support`. */
  model: string;
  /** For `local:`; the sim needs no port. */
  port?: number;
  cache: boolean;
  repeat: number;
}

export interface Project {
  dir: string;
  configPath: string;
}

function config(options: ProjectOptions): string {
  const providers =
    options.port !== undefined
      ? `  local: { type: openai-compatible, base_url: "http://127.0.0.1:${options.port}/v1", api_key_env: BENCH_KEY }`
      : "  sim: { type: sim, latency_ms: 0 }";
  return `pipeline:
  name: runner-bench
  max_concurrency: ${options.concurrency}
  timeout_seconds: 60
  retries: 0
  seed: 7

agent:
  kind: prompt
  model: ${options.model}
  system_prompt: "You are a terse assistant. Answer in one sentence."
  max_steps: 1
  temperature: 0

providers:
${providers}

evaluation:
  suites: ["suites/*.jsonl"]
  threshold: 0.5
  repeat: ${options.repeat}

cache: { enabled: ${options.cache}, ttl_seconds: 3600 }
store: { path: .ratchet/ratchet.db }
`;
}

/** Writes the suite line by line so that a 100k-case suite is never one big string. */
export async function createProject(options: ProjectOptions): Promise<Project> {
  const dir = mkdtempSync(join(tmpdir(), "ratchet-bench-runner-"));
  mkdirSync(join(dir, "suites"));
  const configPath = join(dir, "ratchet.yaml");
  writeFileSync(configPath, config(options));
  const out = createWriteStream(join(dir, "suites", "generated.jsonl"));
  for (let i = 0; i < options.cases; i++) {
    const id = `case-${String(i).padStart(6, "0")}`;
    const line = JSON.stringify({
      id,
      input: `Question ${i}: where is my order ORD-${1000 + (i % 9000)} and when will it arrive?`,
      expected: { output: "ok" },
      assertions: [{ type: "contains", value: "ok" }],
      tags: ["bench", i % 2 === 0 ? "even" : "odd"],
    });
    if (!out.write(`${line}\n`)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return { dir, configPath };
}

/** `n` cases on the local fake server's model at `port`, run once each, CONCURRENCY in flight. */
export function fakeModelProject(n: number, port: number, cache = false): Promise<Project> {
  return createProject({
    cases: n,
    concurrency: CONCURRENCY,
    model: "local:fake-model",
    port,
    cache,
    repeat: 1,
  });
}
