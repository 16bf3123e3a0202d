/**
 * The end-to-end part: `bin/ratchet.js eval` as a user runs it, timed from spawn to exit,
 * against the fake server at N cases and concurrency 50, beside an end-to-end floor measured in
 * the same run: a bare `node -e` process that makes the same N requests with node:http
 * (keep-alive, concurrency 50, each answer read and parsed) and exits. The floor carries what
 * any Node client pays on this machine (node start-up and exit, the loopback, the server); the
 * ratio over it is Ratchet's own share. The floor runs before and after the CLI, so that a change
 * in the machine's load during the run shows as two different floors.
 *
 * Beside them, the AI SDK floor: a bare process making the same N calls through the AI SDK
 * provider Ratchet uses (SDK_FLOOR_SOURCE), run after the CLI.
 *
 * The CLI runs with RATCHET_PROFILE=1: its phase marks (src/core/phases.ts) come back on
 * stderr, and with its time origin they also give node's boot (spawn to time origin) and
 * teardown (the exit event to the parent seeing the exit).
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { type CliRun, runCli, runProcess } from "./cli-process.js";
import { BENCH_KEY, CONCURRENCY, DELAY_MS, type E2eRun } from "./parts.js";
import { fakeModelProject } from "./project.js";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The floor's whole program; argv: N, concurrency, port. Plain JS, node:http alone. */
const FLOOR_SOURCE = `
const { Agent, request } = require("node:http");
const [n, concurrency, port] = process.argv.slice(1).map(Number);
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
const SYSTEM = "You are a terse assistant. Answer in one sentence.";
let next = 0;
let failed = 0;
function call(i) {
  return new Promise((resolve) => {
    const body = JSON.stringify({
      model: "fake-model",
      messages: [
        { role: "system", content: SYSTEM },
        { role: "user", content: "Question " + i + ": where is my order ORD-" + (1000 + (i % 9000)) + " and when will it arrive?" },
      ],
      temperature: 0,
    });
    const req = request({ host: "127.0.0.1", port, path: "/v1/chat/completions", method: "POST", agent,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => { text += chunk; });
        res.on("end", () => { try { JSON.parse(text); } catch { failed++; } resolve(); });
      });
    req.on("error", () => { failed++; resolve(); });
    req.end(body);
  });
}
Promise.all(Array.from({ length: concurrency }, async () => { while (next < n) await call(next++); }))
  .then(() => { agent.destroy(); process.exitCode = failed === 0 ? 0 : 1; });
`;

/**
 * The AI SDK floor's whole program (ES module; argv: N, concurrency, port): the same N calls as
 * bare `doGenerate` calls of @ai-sdk/openai-compatible, the model Ratchet's bench project runs,
 * on the SDK's default fetch, from process start to exit. What any tool that makes its model
 * calls through the AI SDK pays before it adds anything of its own.
 */
const SDK_FLOOR_SOURCE = `
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
const [n, concurrency, port] = process.argv.slice(1).map(Number);
const model = createOpenAICompatible({ name: "local", baseURL: "http://127.0.0.1:" + port + "/v1", apiKey: "bench", includeUsage: true }).chatModel("fake-model");
const SYSTEM = "You are a terse assistant. Answer in one sentence.";
let next = 0;
let failed = 0;
async function call(i) {
  try {
    const result = await model.doGenerate({
      prompt: [
        { role: "system", content: SYSTEM },
        { role: "user", content: [{ type: "text", text: "Question " + i + ": where is my order ORD-" + (1000 + (i % 9000)) + " and when will it arrive?" }] },
      ],
      temperature: 0,
    });
    if (result.content.length === 0) failed++;
  } catch {
    failed++;
  }
}
await Promise.all(Array.from({ length: concurrency }, async () => { while (next < n) await call(next++); }));
process.exit(failed === 0 ? 0 : 1);
`;

/** The AI SDK floor, spawn to exit, run from the repository so that the SDK resolves. */
async function sdkFloorRun(n: number, port: number): Promise<CliRun> {
  const run = await runProcess(
    process.execPath,
    ["--input-type=module", "-e", SDK_FLOOR_SOURCE, String(n), String(CONCURRENCY), String(port)],
    REPO_ROOT,
  );
  if (run.exitCode !== 0) throw new Error(`the AI SDK floor failed: ${run.stderrTail}`);
  return run;
}

export function idealMs(n: number): number {
  return Math.ceil(n / CONCURRENCY) * DELAY_MS;
}

/** One bare node:http process, spawn to exit. */
async function floorRun(n: number, port: number): Promise<CliRun> {
  const run = await runProcess(process.execPath, [
    "-e",
    FLOOR_SOURCE,
    String(n),
    String(CONCURRENCY),
    String(port),
  ]);
  if (run.exitCode !== 0) throw new Error(`the e2e floor failed: ${run.stderrTail}`);
  return run;
}

export interface Phase {
  name: string;
  /** Since the process's time origin, and in the phase (since the previous mark). */
  atMs: number;
  ms: number;
  cpuMs: number;
}

/** Phase lines of a RATCHET_PROFILE=1 report: `<at> <in phase> <CPU in phase>  <name>`. */
export function parsePhases(stderr: string): { phases: Phase[]; originEpochMs?: number } {
  const start = stderr.lastIndexOf("ratchet profile");
  if (start < 0) return { phases: [] };
  const block = stderr.slice(start);
  const origin = /time origin (\d+(?:\.\d+)?)/.exec(block);
  const phases: Phase[] = [];
  for (const line of block.split("\n").slice(1)) {
    const match = /^\s+(\d+)\s+(\d+)\s+(\d+)\s+(.+)$/.exec(line);
    if (match) {
      const [, at, ms, cpu, name] = match;
      phases.push({ name: name!, atMs: Number(at), ms: Number(ms), cpuMs: Number(cpu) });
    }
  }
  return { phases, ...(origin ? { originEpochMs: Number(origin[1]) } : {}) };
}

function storedAttempts(dir: string): number {
  const db = new Database(join(dir, ".ratchet", "ratchet.db"), { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM attempts").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * The floor, then (with `baseline`, another build's bundled `bin.js`, e.g. main's) the
 * baseline CLI, then this checkout's CLI, then the floor again: a before/after pair measured
 * under the same load. The baseline runs with the V8 flags of bin/ratchet.js's shebang.
 */
export async function e2eRun(
  n: number,
  port: number,
  keep: boolean,
  baseline?: string,
): Promise<E2eRun> {
  const projects = [await fakeModelProject(n, port)];
  try {
    const before = await floorRun(n, port);
    let baselineRun: E2eRun["baseline"];
    if (baseline) {
      const project = await fakeModelProject(n, port);
      projects.push(project);
      const run = await runProcess(
        process.execPath,
        ["--max-old-space-size=512", baseline, "eval", "-c", project.configPath],
        project.dir,
        { BENCH_KEY },
      );
      baselineRun = {
        bin: baseline,
        wallMs: run.wallMs,
        exitCode: run.exitCode,
        ...(run.cpuMs !== undefined ? { cpuMs: run.cpuMs } : {}),
        storedAttempts: storedAttempts(project.dir),
      };
    }
    const project = projects[0]!;
    const cli = await runCli(["eval", "-c", project.configPath], project.dir, {
      BENCH_KEY,
      RATCHET_PROFILE: "1",
    });
    const sdkFloor = await sdkFloorRun(n, port);
    const after = await floorRun(n, port);
    const { phases, originEpochMs } = parsePhases(cli.stderrTail);
    const exitEvent = phases.at(-1)?.atMs ?? 0;
    return {
      n,
      idealMs: idealMs(n),
      wallMs: cli.wallMs,
      exitCode: cli.exitCode,
      ...(cli.cpuMs !== undefined ? { cpuMs: cli.cpuMs } : {}),
      storedAttempts: storedAttempts(project.dir),
      floorMs: [before.wallMs, after.wallMs],
      sdkFloorMs: sdkFloor.wallMs,
      phases,
      ...(originEpochMs !== undefined
        ? {
            bootMs: originEpochMs - cli.spawnedAtEpochMs,
            teardownMs: cli.exitedAtEpochMs - (originEpochMs + exitEvent),
          }
        : {}),
      ...(baselineRun ? { baseline: baselineRun } : {}),
      stderrTail: cli.stderrTail.slice(-600),
    };
  } finally {
    if (!keep) for (const { dir } of projects) rmSync(dir, { recursive: true, force: true });
  }
}
