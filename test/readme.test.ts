import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { loadConfig } from "../src/config/index.js";
import { type RecordedRequest, sendJson, startServer } from "../src/providers/test-helpers.js";
import { REPO } from "./cli-helpers.js";
import { buildScript, expectedExitsOf, NOT_RUN, readmeShellLines } from "./readme-commands.js";

const README = join(REPO, "README.md");

/** A chat answer in the protocol the request came in: OpenAI chat completions or Anthropic. */
function answerModelCall(request: RecordedRequest, res: Parameters<typeof sendJson>[0]): void {
  const text = "Your order is on its way. Expected delivery: 2026-11-30.";
  if (request.path.endsWith("/chat/completions")) {
    sendJson(res, 200, {
      id: "chatcmpl-readme",
      object: "chat.completion",
      created: 1_700_000_000,
      model: String(request.body.model),
      choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
      usage: { prompt_tokens: 40, completion_tokens: 12, total_tokens: 52 },
    });
    return;
  }
  if (request.path.endsWith("/messages")) {
    sendJson(res, 200, {
      id: "msg_readme",
      type: "message",
      role: "assistant",
      model: String(request.body.model),
      content: [{ type: "text", text }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 40, output_tokens: 12 },
    });
    return;
  }
  sendJson(res, 404, { error: { message: `no route ${request.path}` } });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

function runBash(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [script], { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c: Buffer) => {
      output += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      output += c.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("README", () => {
  it("its configuration reference is a config that loads", async () => {
    const readme = await readFile(README, "utf8");
    const section = readme.slice(readme.indexOf("## Configuration reference"));
    const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBeDefined();
    const dir = await mkdtemp(join(tmpdir(), "ratchet-readme-"));
    try {
      await writeFile(join(dir, "ratchet.yaml"), block ?? "");
      const loaded = await loadConfig(join(dir, "ratchet.yaml"), { env: {} });
      expect(loaded.config.pipeline.name).toBe("support-agent");
      expect(loaded.config.evaluation.latency.p95_ms).toBe(5000);
      expect(loaded.config.providers.local?.type).toBe("openai-compatible");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reads exit codes from a line's comment", () => {
    expect(expectedExitsOf("runs the suite")).toEqual([0]);
    expect(expectedExitsOf("exits 1: the baseline fails")).toEqual([1]);
    expect(expectedExitsOf("exits 0 or 1; needs a key")).toEqual([0, 1]);
  });

  it("says how many cases the demo suite has", async () => {
    const readme = await readFile(README, "utf8");
    const claimed = Number(/a (\d+)-case support suite/.exec(readme)?.[1]);
    const suites = join(REPO, "examples", "support-agent", "suites");
    let cases = 0;
    for (const name of await readdir(suites)) {
      const parsed = parseYaml(await readFile(join(suites, name), "utf8")) as { cases: unknown[] };
      cases += parsed.cases.length;
    }
    expect(cases).toBeGreaterThan(0);
    expect(claimed).toBe(cases);
  });

  describe("every shell line runs as documented", () => {
    let work: string;
    let model: Awaited<ReturnType<typeof startServer>>;

    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), "ratchet-readme-run-"));
      model = await startServer(answerModelCall);
    });

    afterAll(async () => {
      await model.close();
      await rm(work, { recursive: true, force: true });
    });

    it("from install to export, offline, against the built CLI", async () => {
      const readme = await readFile(README, "utf8");
      const lines = readmeShellLines(readme);
      const sections = new Set(lines.map((l) => l.section));
      for (const wanted of ["Install", "Quick start", "Scoring and judges"]) {
        expect(sections).toContain(wanted);
      }
      expect(lines.some((l) => l.command.includes("serve"))).toBe(true);

      // `npx ratchet` outside the clone would ask the npm registry for some other package
      // called ratchet: the shim sends it to the `ratchet` that `npm link` put on the PATH.
      const shims = join(work, "shims");
      const prefix = join(work, "npm-prefix");
      await mkdir(shims, { recursive: true });
      await mkdir(prefix, { recursive: true });
      await writeFile(
        join(shims, "npx"),
        '#!/usr/bin/env bash\nif [ "$1" = ratchet ]; then shift; exec ratchet "$@"; fi\necho "npx $1: not allowed in the README check" >&2\nexit 127\n',
      );
      await chmod(join(shims, "npx"), 0o755);
      const demo = join(work, "user");
      await mkdir(demo);
      const script = join(work, "readme.sh");
      await writeFile(
        script,
        buildScript(lines, { repo: REPO, work: demo, port: await freePort() }),
      );

      const result = await runBash(script, {
        ...process.env,
        NO_COLOR: "1",
        PATH: `${shims}:${join(prefix, "bin")}:${process.env.PATH ?? ""}`,
        // `npm link` installs into this prefix instead of the machine's global one.
        npm_config_prefix: prefix,
        npm_config_audit: "false",
        npm_config_fund: "false",
        npm_config_update_notifier: "false",
        OPENAI_API_KEY: "sk-readme-check",
        ANTHROPIC_API_KEY: "sk-ant-readme-check",
        OPENAI_BASE_URL: `${model.url}/v1`,
        ANTHROPIC_BASE_URL: `${model.url}/v1`,
      });
      expect(result.code, result.output.slice(-6000)).toBe(0);
      // The linked command is a real install, and the real-model lines reached the model.
      expect(existsSync(join(prefix, "bin", "ratchet"))).toBe(true);
      const paths = model.requests.map((r) => r.path);
      expect(paths.some((p) => p.endsWith("/chat/completions"))).toBe(true);
      expect(paths.some((p) => p.endsWith("/messages"))).toBe(true);
      // Keys go in headers only, and only to the model.
      expect(model.requests.every((r) => !JSON.stringify(r.body).includes("sk-readme"))).toBe(true);
      for (const skipped of NOT_RUN.keys()) {
        expect(lines.some((l) => l.command === skipped)).toBe(true);
      }
    }, 900_000);
  });
});
