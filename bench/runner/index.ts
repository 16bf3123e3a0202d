/**
 * Runner benchmark: `npx tsx bench/runner/index.ts [--quick] [--profile] [--part http,cli,cache,sim]`.
 *
 * Ratchet is measured as built (dist/, rebuilt first; `--src` runs src/ under tsx instead,
 * `--no-build` skips the build). Each part runs in its own child process, on a fresh temp
 * project and store:
 *
 *  1. http  — 2,000 cases at concurrency 50 against a fake OpenAI-compatible server (another
 *             child process, fixed 50 ms per answer, cache off), through `runEvaluation`.
 *             Wall ÷ ideal (N × 50 ms ÷ 50); process CPU per attempt, all in and in the
 *             steady state. Cold (a fresh process, as `ratchet eval`) and warm (a second
 *             eval in the same process). Beside it, two floors (floors.ts), each cold and
 *             warm in a fresh process: the same N bare provider calls (`doGenerate`), and
 *             the same N bare node:http requests, so that the machine's share and
 *             Ratchet's own share are visible.
 *  2. cli   — 10,000 cases × repeat 10 = 100,000 attempts on `sim:support` at zero latency
 *             through the built CLI (`bin/ratchet.js eval`, as users run it): the kernel's
 *             peak RSS and attempts per second (`--sim-n 20000` to scale down).
 *  3. e2e   — `bin/ratchet.js eval` against the fake server at 2,000 and 10,000 cases
 *             (`--e2e-n 2000,10000`), spawn to exit, beside an end-to-end floor in the same
 *             run: a bare `node -e` node:http process making the same N requests (e2e.ts),
 *             and the AI SDK floor: a bare process making the same N calls as `doGenerate`
 *             calls of @ai-sdk/openai-compatible on its default fetch.
 *             Wall ÷ ideal (ceil(N / 50) × 50 ms), with the CLI's RATCHET_PROFILE=1 phases.
 *             `--e2e-baseline <dir>/bin.js` also runs another build's bundled CLI (say
 *             main's) between the floors: a before/after pair under the same load.
 *  4. cache — the http suite twice with the cache on: provider HTTP calls in the second run
 *             (Ratchet's own counter and the server's).
 *  5. sim   — (on request) the sim run in-process, for `--profile` and heap figures.
 *
 * `--quick` scales everything down (200 http cases, e2e at 200 and 1,000, 5,000 sim attempts). `--profile` also
 * runs each in-process part under V8's sampling profiler and prints where the CPU time
 * goes; profiled timings are inflated, so the measured table comes from unprofiled runs.
 * Other knobs: `--http-n N`, `--sim-n N` (a multiple of 10), `--keep` (keep temp dirs).
 */
import { type ChildProcess, fork } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import type { Attempt } from "../../src/core/index.js";
import { buildDist, highWaterMarkMb, runCli, threadCpuMs } from "./cli-process.js";
import { e2eRun } from "./e2e.js";
import { type FloorPair, machineFloor, providerFloor } from "./floors.js";
import {
  BENCH_KEY,
  type CacheResult,
  type CliSimResult,
  CONCURRENCY,
  DELAY_MS,
  E2E_DEFAULT_NS,
  type E2eResult,
  HTTP_DEFAULT_N,
  type HttpResult,
  type Part,
  type PartResult,
  SIM_DEFAULT_N,
  SIM_FULL_N,
  SIM_REPEAT,
  type SimResult,
} from "./parts.js";
import { type ProfileSummary, profile } from "./profile.js";
import { createProject, fakeModelProject, type Project } from "./project.js";
import { loadRatchet, type RatchetModules } from "./ratchet.js";
import { report } from "./report.js";

// ---------------------------------------------------------------- arguments

function flag(name: string): boolean {
  return process.argv.includes(name);
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function numberOption(name: string, fallback: number): number {
  const raw = option(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} wants a positive integer, got ${raw}`);
  return value;
}

// ---------------------------------------------------------------- worker side

const mb = (bytes: number) => bytes / 1024 / 1024;

/**
 * Resets the kernel's peak-RSS counter (VmHWM) so that it covers the run alone: the lifetime
 * maxRSS also counts start-up, and 20 ms samples miss short peaks. Linux only.
 */
function resetHighWaterMark(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

async function serverStats(port: number): Promise<{ completions: number; cpuMs: number }> {
  // Global fetch, not the providers' counting fetch: these calls must not be counted.
  const response = await fetch(`http://127.0.0.1:${port}/__stats`);
  return (await response.json()) as { completions: number; cpuMs: number };
}

interface Counted {
  completed: number;
  errors: number;
  passed: number;
  /**
   * When set, process CPU (ms) is read as the attempt numbered `steady.from` lands and again
   * at `steady.to`: the CPU per attempt between them is the steady state, without start-up
   * (config, suite, store), JIT warm-up and the closing checkpoint.
   */
  steady?: { from: number; to: number; cpuFrom?: number; cpuTo?: number };
}

const cpuNowMs = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};

async function evaluate(project: Project, counted: Counted, onStart?: () => void): Promise<void> {
  await ratchet.runEvaluation({
    cwd: project.dir,
    configPath: project.configPath,
    env: { ...process.env, BENCH_KEY },
    onStart: () => onStart?.(),
    onEvent: (event) => {
      if (event.type !== "attempt") return;
      const attempt: Attempt = event.attempt;
      counted.completed++;
      if (counted.steady?.from === counted.completed) counted.steady.cpuFrom = cpuNowMs();
      if (counted.steady?.to === counted.completed) counted.steady.cpuTo = cpuNowMs();
      if (attempt.status === "error") counted.errors++;
      if (attempt.status === "passed") counted.passed++;
    },
  });
}

async function maybeProfile<T>(
  on: boolean,
  block: () => Promise<T>,
): Promise<{ value: T; summary?: ProfileSummary }> {
  if (!on) return { value: await block() };
  return profile(block);
}

/** The bare provider floor (see floors.ts), through the provider the http suite uses. */
function bareProviderFloor(n: number, port: number): Promise<FloorPair> {
  const { model } = ratchet.resolveModel(
    "local:fake-model",
    {
      local: {
        type: "openai-compatible",
        base_url: `http://127.0.0.1:${port}/v1`,
        api_key_env: "BENCH_KEY",
      },
    },
    { BENCH_KEY },
  );
  return providerFloor(model, n, CONCURRENCY);
}

/**
 * The http suite cold (the first eval of a fresh process, as `ratchet eval` runs) and then warm
 * (a second eval on a fresh project in the same process, as a long-lived `ratchet improve`
 * validates candidate after candidate). A profiled run profiles the cold eval alone.
 */
async function httpPart(n: number, port: number, profiling: boolean): Promise<HttpResult> {
  const cold = await measuredEval(n, port, profiling);
  if (profiling) return cold;
  const warm = await measuredEval(n, port, false);
  const mainMs = warm.threadCpuMs?.main;
  return {
    ...cold,
    warm: {
      wallMs: warm.wallMs,
      runWallMs: warm.runWallMs,
      cpuMs: warm.cpuMs,
      ...(mainMs !== undefined ? { mainMs } : {}),
    },
  };
}

async function measuredEval(n: number, port: number, profiling: boolean): Promise<HttpResult> {
  const project = await fakeModelProject(n, port);
  try {
    const counted: Counted = {
      completed: 0,
      errors: 0,
      passed: 0,
      steady: { from: Math.floor(n / 4), to: n },
    };
    const server0 = await serverStats(port);
    ratchet.resetProviderCallStats();
    let startedAt = 0;
    const threads0 = threadCpuMs();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const { summary } = await maybeProfile(profiling, () =>
      evaluate(project, counted, () => {
        startedAt = performance.now();
      }),
    );
    const wallMs = performance.now() - t0;
    const runWallMs = performance.now() - startedAt;
    const threads1 = threadCpuMs();
    const cpuMs = cpuMsSince(cpu0);
    const server1 = await serverStats(port);
    const httpCalls = ratchet.providerCallStats().http;
    return {
      part: "http",
      n,
      completed: counted.completed,
      errors: counted.errors,
      passed: counted.passed,
      ...(counted.steady?.cpuFrom !== undefined && counted.steady.cpuTo !== undefined
        ? {
            steadyCpuMsPerAttempt:
              (counted.steady.cpuTo - counted.steady.cpuFrom) /
              (counted.steady.to - counted.steady.from),
          }
        : {}),
      wallMs,
      runWallMs,
      ...(threads0 && threads1
        ? {
            threadCpuMs: Object.fromEntries(
              Object.entries(threads1).map(([name, ms]) => [name, ms - (threads0[name] ?? 0)]),
            ),
          }
        : {}),
      idealMs: (n * DELAY_MS) / CONCURRENCY,
      cpuMs,
      httpCalls,
      serverRequests: server1.completions - server0.completions,
      serverCpuMs: server1.cpuMs - server0.cpuMs,
      ...(summary ? { profile: summary } : {}),
    };
  } finally {
    if (!flag("--keep")) rmSync(project.dir, { recursive: true, force: true });
  }
}

/** `n` attempts on sim:support as n / 10 cases × repeat 10, at zero latency. */
function createSimProject(n: number): Promise<Project> {
  if (n % SIM_REPEAT !== 0) throw new Error(`--sim-n must be a multiple of ${SIM_REPEAT}`);
  return createProject({
    cases: n / SIM_REPEAT,
    concurrency: CONCURRENCY,
    model: "sim:support",
    cache: false,
    repeat: SIM_REPEAT,
  });
}

async function simPart(n: number, profiling: boolean): Promise<SimResult> {
  const project = await createSimProject(n);
  try {
    const counted: Counted = { completed: 0, errors: 0, passed: 0 };
    const baseline = process.memoryUsage().rss;
    const hwmReset = resetHighWaterMark();
    let peak = baseline;
    let peakHeap = 0;
    let peakHeapTotal = 0;
    let peakExternal = 0;
    let lastSample = performance.now();
    let longestGap = 0;
    const sampler = setInterval(() => {
      const memory = process.memoryUsage();
      peak = Math.max(peak, memory.rss);
      peakHeap = Math.max(peakHeap, memory.heapUsed);
      peakHeapTotal = Math.max(peakHeapTotal, memory.heapTotal);
      peakExternal = Math.max(peakExternal, memory.external);
      const now = performance.now();
      longestGap = Math.max(longestGap, now - lastSample);
      lastSample = now;
    }, 20);
    ratchet.resetProviderCallStats();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const { summary } = await maybeProfile(profiling, () => evaluate(project, counted));
    const wallMs = performance.now() - t0;
    const cpuMs = cpuMsSince(cpu0);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    return {
      part: "sim",
      n,
      completed: counted.completed,
      errors: counted.errors,
      wallMs,
      cpuMs,
      baselineRssMb: mb(baseline),
      peakRssMb: mb(peak),
      // Linux reports maxRSS in kilobytes.
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      ...(hwmReset ? { runHwmMb: highWaterMarkMb("self") } : {}),
      peakHeapUsedMb: mb(peakHeap),
      peakHeapTotalMb: mb(peakHeapTotal),
      peakExternalMb: mb(peakExternal),
      longestSampleGapMs: longestGap,
      simCalls: ratchet.providerCallStats().sim,
      ...(summary ? { profile: summary } : {}),
    };
  } finally {
    if (!flag("--keep")) rmSync(project.dir, { recursive: true, force: true });
  }
}

async function cachePart(n: number, port: number, profiling: boolean): Promise<CacheResult> {
  const project = await fakeModelProject(n, port, true);
  try {
    const first: Counted = { completed: 0, errors: 0, passed: 0 };
    ratchet.resetProviderCallStats();
    let server0 = await serverStats(port);
    let t0 = performance.now();
    await evaluate(project, first);
    const firstWall = performance.now() - t0;
    let server1 = await serverStats(port);
    const firstCalls = ratchet.providerCallStats().http;
    const firstServer = server1.completions - server0.completions;

    const second: Counted = { completed: 0, errors: 0, passed: 0 };
    const calls0 = ratchet.providerCallStats().http;
    const cache0 = ratchet.cacheStats();
    server0 = server1;
    const cpu0 = process.cpuUsage();
    t0 = performance.now();
    const { summary } = await maybeProfile(profiling, () => evaluate(project, second));
    const secondWall = performance.now() - t0;
    const cpuMs = cpuMsSince(cpu0);
    server1 = await serverStats(port);
    const cache1 = ratchet.cacheStats();
    return {
      part: "cache",
      n,
      first: {
        wallMs: firstWall,
        httpCalls: firstCalls,
        serverRequests: firstServer,
        errors: first.errors,
      },
      second: {
        wallMs: secondWall,
        cpuMs,
        httpCalls: ratchet.providerCallStats().http - calls0,
        serverRequests: server1.completions - server0.completions,
        cacheHits: cache1.hits - cache0.hits,
        cacheMisses: cache1.misses - cache0.misses,
        errors: second.errors,
        completed: second.completed,
      },
      ...(summary ? { profile: summary } : {}),
    };
  } finally {
    if (!flag("--keep")) rmSync(project.dir, { recursive: true, force: true });
  }
}

let ratchet: RatchetModules;

async function worker(part: Part): Promise<void> {
  ratchet = await loadRatchet(!flag("--src"));
  const n = numberOption("--n", 1);
  const port = numberOption("--port", 1);
  const profiling = flag("--profile");
  const result: PartResult =
    part === "http"
      ? await httpPart(n, port, profiling)
      : part === "floor"
        ? { part, n, pair: await bareProviderFloor(n, port) }
        : part === "machine"
          ? { part, n, pair: await machineFloor(n, CONCURRENCY, port) }
          : part === "sim"
            ? await simPart(n, profiling)
            : await cachePart(n, port, profiling);
  await new Promise<void>((resolve, reject) =>
    process.send?.(result, (error: Error | null) => (error ? reject(error) : resolve())),
  );
  process.disconnect?.();
}

// ---------------------------------------------------------------- parent side

/** The 100k sim run through the built CLI, as a user runs it; RSS watched from outside. */
async function cliSimPart(n: number): Promise<CliSimResult> {
  const project = await createSimProject(n);
  try {
    const idle = await runCli(["--help"], project.dir);
    const run = await runCli(["eval", "-c", project.configPath], project.dir);
    const db = new Database(join(project.dir, ".ratchet", "ratchet.db"), { readonly: true });
    const stored = (db.prepare("SELECT count(*) AS n FROM attempts").get() as { n: number }).n;
    db.close();
    return {
      part: "cli",
      n,
      exitCode: run.exitCode,
      storedAttempts: stored,
      wallMs: run.wallMs,
      ...(run.cpuMs !== undefined ? { cpuMs: run.cpuMs } : {}),
      ...(run.peakRssMb !== undefined ? { peakRssMb: run.peakRssMb } : {}),
      ...(idle.peakRssMb !== undefined ? { idlePeakRssMb: idle.peakRssMb } : {}),
      stderrTail: run.stderrTail,
    };
  } finally {
    if (!flag("--keep")) rmSync(project.dir, { recursive: true, force: true });
  }
}

const self = fileURLToPath(import.meta.url);

function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(
    fileURLToPath(new URL("./fake-server.ts", import.meta.url)),
    ["--delay-ms", String(DELAY_MS)],
    {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    },
  );
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`fake server exited early (${code})`)));
    child.once("message", (message: { type?: string; port?: number }) => {
      if (message.type === "listening" && message.port) resolve({ child, port: message.port });
    });
  });
}

function runWorker(part: Part, n: number, port: number, profiling: boolean): Promise<PartResult> {
  const args = ["--worker", part, "--n", String(n), "--port", String(port)];
  if (profiling) args.push("--profile");
  if (flag("--keep")) args.push("--keep");
  if (flag("--src")) args.push("--src");
  // BENCH_V8_FLAGS="--single-threaded-gc …": V8 flags for the workers alone (experiments).
  const v8Flags = (process.env.BENCH_V8_FLAGS ?? "").split(/\s+/).filter(Boolean);
  const child = fork(self, args, {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    execArgv: [...process.execArgv, ...v8Flags],
  });
  return new Promise((resolve, reject) => {
    let result: PartResult | undefined;
    child.on("message", (message: PartResult) => {
      result = message;
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (result) resolve(result);
      else reject(new Error(`${part} worker exited with code ${code} and no result`));
    });
  });
}

async function main(): Promise<void> {
  const workerPart = option("--worker") as Part | undefined;
  if (workerPart) return worker(workerPart);

  const quick = flag("--quick");
  const profiling = flag("--profile");
  const httpN = numberOption("--http-n", quick ? 200 : HTTP_DEFAULT_N);
  const simN = numberOption("--sim-n", quick ? 5000 : SIM_DEFAULT_N);
  const parts = (option("--part") ?? "http,e2e,cli,cache").split(",") as Part[];
  const e2eNs = option("--e2e-n")
    ? (option("--e2e-n") ?? "").split(",").map(Number)
    : quick
      ? [200, 1000]
      : E2E_DEFAULT_NS;
  const notes: string[] = [];
  if (quick) notes.push("note: --quick, sizes scaled down; ratios are noisier.");
  if (simN < SIM_FULL_N)
    notes.push(
      `note: sim part at ${simN} attempts; the target size is ${SIM_FULL_N} (the default without --quick / --sim-n).`,
    );

  if (!flag("--no-build") && (!flag("--src") || parts.includes("cli"))) {
    process.stderr.write("building dist/ (tsc) so that the code measured is this checkout...\n");
    await buildDist();
  }
  if (!flag("--src"))
    notes.push(
      "note: in-process parts run dist/ (tsc output; --src for src/ under tsx); the cli part runs bin/ratchet.js, the bundle `npx ratchet` runs.",
    );
  const { child: server, port } = await startServer();
  server.removeAllListeners("exit");
  const results: PartResult[] = [];
  try {
    for (const part of parts) {
      if (part === "e2e") {
        const e2e: E2eResult = { part: "e2e", runs: [] };
        for (const n of e2eNs) {
          process.stderr.write(`running e2e (${n}: floor, bin/ratchet.js eval, floor)...\n`);
          e2e.runs.push(await e2eRun(n, port, flag("--keep"), option("--e2e-baseline")));
        }
        results.push(e2e);
        continue;
      }
      const n = part === "sim" || part === "cli" ? simN : httpN;
      process.stderr.write(`running ${part} (${n})...\n`);
      const result = part === "cli" ? await cliSimPart(n) : await runWorker(part, n, port, false);
      if (result.part === "http") {
        // Each floor in a fresh process of its own, cold like the run it is compared with.
        const floor = await runWorker("floor", n, port, false);
        if (floor.part === "floor") result.floor = floor.pair;
        const machine = await runWorker("machine", n, port, false);
        if (machine.part === "machine") result.machine = machine.pair;
      }
      results.push(result);
    }
    if (profiling) {
      for (const part of parts.filter((p) => p !== "cli")) {
        const n = part === "sim" ? simN : httpN;
        process.stderr.write(`profiling ${part} (${n})...\n`);
        const profiled = await runWorker(part, n, port, true);
        if (profiled.profile) {
          const measured = results.find((r) => r.part === part);
          if (measured) measured.profile = profiled.profile;
        }
      }
    }
  } finally {
    server.disconnect();
  }
  report(
    results,
    profiling ? [...notes, "note: profiles come from separate, profiled runs."] : notes,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
