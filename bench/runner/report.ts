/** The benchmark's printed report: per-part lines, then the metrics with their targets. */
import {
  CONCURRENCY,
  DELAY_MS,
  type E2eResult,
  type HttpResult,
  type PartResult,
  SIM_FULL_N,
  SIM_REPEAT,
} from "./parts.js";
import { formatSummary } from "./profile.js";

const fmt = (value: number, digits = 2) => value.toFixed(digits);
const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");

/** The http part's lines and metrics: the cold and warm runs against their floors. */
function reportHttp(result: HttpResult, lines: string[], metrics: string[]): void {
  const ratio = result.wallMs / result.idealMs;
  const perAttempt = result.cpuMs / result.n;
  lines.push(
    `[http] ${result.n} cases, concurrency ${CONCURRENCY}, ${DELAY_MS} ms server delay, cache off`,
    `  wall ${fmt(result.wallMs / 1000)} s (run only, after config/store/suite load: ${fmt(result.runWallMs / 1000)} s), ideal ${fmt(result.idealMs / 1000)} s`,
    `  runner CPU ${fmt(result.cpuMs / 1000)} s total; server CPU ${fmt(result.serverCpuMs / 1000)} s (not counted)`,
    `  attempts ${result.completed}, passed ${result.passed}, errors ${result.errors}; provider HTTP calls ${result.httpCalls}, server saw ${result.serverRequests}`,
  );
  const steady = result.steadyCpuMsPerAttempt;
  lines.push(
    `  CPU per attempt: ${fmt(perAttempt, 3)} ms all in (start-up, warm-up, close); steady state (quarter mark to end) ${steady === undefined ? "n/a" : `${fmt(steady, 3)} ms`}`,
  );
  if (result.threadCpuMs) {
    const parts = Object.entries(result.threadCpuMs)
      .filter(([, ms]) => ms > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([name, ms]) => `${name} ${fmt(ms / result.n, 3)}`);
    lines.push(`  CPU ms per attempt by thread: ${parts.join(", ")}`);
  }
  const ideal = result.idealMs;
  const perCall = (ms: number | undefined) => (ms === undefined ? "n/a" : fmt(ms / result.n, 3));
  const row = (name: string, wallMs: number, cpuMs: number, mainMs?: number) =>
    `    ${name.padEnd(44)} ${fmt(wallMs / ideal).padStart(5)} × ideal   CPU ${perCall(cpuMs)} ms/call (main thread ${perCall(mainMs)})`;
  const mainOf = (threads?: Record<string, number>) => threads?.main;
  lines.push("  wall ÷ ideal against the floors, same N, concurrency and server:");
  for (const phase of ["cold", "warm"] as const) {
    const run =
      phase === "cold"
        ? {
            wallMs: result.wallMs,
            runWallMs: result.runWallMs,
            cpuMs: result.cpuMs,
            mainMs: mainOf(result.threadCpuMs),
          }
        : result.warm;
    lines.push(
      phase === "cold"
        ? "   cold (the first N calls of a fresh process, as `ratchet eval`):"
        : "   warm (the next N in the same process, as `ratchet improve`'s candidate runs):",
    );
    const machine = result.machine?.[phase];
    const floor = result.floor?.[phase];
    if (machine)
      lines.push(
        row(
          "machine floor (node:http + JSON.parse)",
          machine.wallMs,
          machine.cpuMs,
          machine.mainMs,
        ),
      );
    if (floor)
      lines.push(
        row(
          "provider floor (AI SDK doGenerate, our fetch)",
          floor.wallMs,
          floor.cpuMs,
          floor.mainMs,
        ),
      );
    if (run) {
      lines.push(row("Ratchet eval, all in", run.wallMs, run.cpuMs, run.mainMs));
      lines.push(
        `    ${"Ratchet eval, run only (after config/store/suite)".padEnd(44)} ${fmt(run.runWallMs / ideal).padStart(5)} × ideal`,
      );
    }
  }
  if (result.machine) {
    metrics.push(
      `runner.machine_floor_wall_over_ideal ${fmt(result.machine.cold.wallMs / ideal)} cold, ${fmt(result.machine.warm.wallMs / ideal)} warm (node:http alone: the machine and server)`,
    );
  }
  if (result.floor) {
    const floor = result.floor.cold;
    metrics.push(
      `runner.provider_floor_wall_over_ideal ${fmt(floor.wallMs / ideal)} cold, ${fmt(result.floor.warm.wallMs / ideal)} warm (bare AI SDK calls)`,
      `runner.run_wall_over_floor ${fmt(result.runWallMs / floor.wallMs)} (Ratchet's share, cold)`,
      // What Ratchet adds to the bare provider calls, both cold processes, all in.
      `runner.cpu_overhead_ms_per_attempt ${fmt((result.cpuMs - floor.cpuMs) / result.n, 3)} (over the provider floor, cold; target < 1) ${verdict((result.cpuMs - floor.cpuMs) / result.n < 1)}`,
    );
  }
  metrics.push(
    `runner.wall_over_ideal ${fmt(ratio)} (cold, all in; target <= 1.10) ${verdict(ratio <= 1.1)}`,
    `runner.run_wall_over_ideal ${fmt(result.runWallMs / ideal)} (cold, after config, store and suite load)`,
  );
  if (result.warm) {
    metrics.push(
      `runner.warm_wall_over_ideal ${fmt(result.warm.wallMs / ideal)} (a second eval in the same process)`,
    );
  }
  metrics.push(
    `runner.cpu_ms_per_attempt_steady ${steady === undefined ? "n/a" : fmt(steady, 3)} (cold run from its quarter mark, provider stack included; target < 1) ${verdict(steady !== undefined && steady < 1)}`,
    `runner.cpu_ms_per_attempt_all_in ${fmt(perAttempt, 3)} (cold, start-up and warm-up included, for reference)`,
  );
}

/** End-to-end targets by size (issue 18, section 8); other sizes are reported without one. */
const E2E_TARGETS: Record<number, number> = { 2000: 1.3, 10000: 1.15 };

/** The e2e part: each CLI run against its floors, then where its wall time went. */
function reportE2e(
  result: E2eResult,
  inProcess: HttpResult | undefined,
  lines: string[],
  metrics: string[],
): void {
  lines.push(
    `[e2e] \`bin/ratchet.js eval\` spawn to exit, concurrency ${CONCURRENCY}, ${DELAY_MS} ms server delay, cache off; ideal = ceil(N / ${CONCURRENCY}) × ${DELAY_MS} ms`,
  );
  for (const run of result.runs) {
    const ideal = run.idealMs;
    const floor = (run.floorMs[0] + run.floorMs[1]) / 2;
    lines.push(
      `  ${run.n} cases: ideal ${fmt(ideal / 1000)} s; exit ${run.exitCode}, attempts stored ${run.storedAttempts}; CPU ${run.cpuMs === undefined ? "n/a" : `${fmt(run.cpuMs / 1000)} s`}`,
      `    e2e floor (bare \`node -e\` node:http, spawn to exit) ${fmt(run.floorMs[0] / ideal)} before, ${fmt(run.floorMs[1] / ideal)} after × ideal`,
      `    AI SDK floor (bare doGenerate calls, spawn to exit)  ${fmt(run.sdkFloorMs / ideal)} × ideal`,
      `    Ratchet eval (bin/ratchet.js, spawn to exit)         ${fmt(run.wallMs / ideal)} × ideal = ${fmt(run.wallMs / floor)} × the floor (${fmt((run.wallMs - floor) / 1000)} s over it) = ${fmt(run.wallMs / run.sdkFloorMs)} × the AI SDK floor`,
    );
    if (run.baseline) {
      const b = run.baseline;
      lines.push(
        `    baseline ${b.bin}: ${fmt(b.wallMs / ideal)} × ideal = ${fmt(b.wallMs / floor)} × the floor; exit ${b.exitCode}, stored ${b.storedAttempts}, CPU ${b.cpuMs === undefined ? "n/a" : `${fmt(b.cpuMs / 1000)} s`}`,
      );
      metrics.push(
        `runner.e2e_baseline_wall_over_ideal_${run.n} ${fmt(b.wallMs / ideal)} (= ${fmt(b.wallMs / floor)} × the floor; CPU ${b.cpuMs === undefined ? "n/a" : `${fmt(b.cpuMs / 1000)} s`} vs ${run.cpuMs === undefined ? "n/a" : `${fmt(run.cpuMs / 1000)} s`} now)`,
      );
    }
    if (run.phases.length > 0) {
      const parts = [
        ...(run.bootMs !== undefined ? [`node boot ${fmt(run.bootMs, 0)}`] : []),
        ...run.phases.map((phase) => `${phase.name} ${phase.ms} (CPU ${phase.cpuMs})`),
        ...(run.teardownMs !== undefined ? [`node teardown ${fmt(run.teardownMs, 0)}`] : []),
      ];
      lines.push(`    phases (wall ms, CPU ms; RATCHET_PROFILE=1): ${parts.join("; ")}`);
    }
    if (run.exitCode !== 0 && run.exitCode !== 1) lines.push(run.stderrTail);
    const target = E2E_TARGETS[run.n];
    const ratio = run.wallMs / ideal;
    const durable = run.storedAttempts === run.n;
    metrics.push(
      `runner.e2e_wall_over_ideal_${run.n} ${fmt(ratio)}${target === undefined ? "" : ` (target <= ${fmt(target)}) ${verdict(ratio <= target && durable)}`}`,
      `runner.e2e_floor_over_ideal_${run.n} ${fmt(run.floorMs[0] / ideal)} before, ${fmt(run.floorMs[1] / ideal)} after (bare node process, same N)`,
      `runner.e2e_wall_over_floor_${run.n} ${fmt(run.wallMs / floor)} (Ratchet's share end to end)`,
      `runner.e2e_sdk_floor_over_ideal_${run.n} ${fmt(run.sdkFloorMs / ideal)} (bare AI SDK doGenerate calls in a fresh process, same N)`,
      `runner.e2e_wall_over_sdk_floor_${run.n} ${fmt(run.wallMs / run.sdkFloorMs)} (Ratchet over the AI SDK alone)`,
    );
    if (!durable)
      metrics.push(`runner.e2e_stored_${run.n} ${run.storedAttempts} of ${run.n} MISSED`);
  }
  if (inProcess) {
    metrics.push(
      `runner.e2e_inprocess_wall_over_ideal_${inProcess.n} ${fmt(inProcess.wallMs / inProcess.idealMs)} (the http part: runEvaluation in a fresh worker, module loading, process start and exit not counted)`,
    );
  }
}

export function report(results: PartResult[], notes: string[]): void {
  const lines: string[] = [];
  const metrics: string[] = [];
  for (const result of results) {
    if (result.part === "http") {
      reportHttp(result, lines, metrics);
    } else if (result.part === "e2e") {
      const inProcess = results.find((r): r is HttpResult => r.part === "http");
      reportE2e(result, inProcess, lines, metrics);
    } else if (result.part === "sim") {
      const rate = result.completed / (result.wallMs / 1000);
      lines.push(
        `[sim] ${result.n} attempts (${result.n / SIM_REPEAT} cases × repeat ${SIM_REPEAT}) on sim:support, latency 0`,
        `  wall ${fmt(result.wallMs / 1000, 1)} s, CPU ${fmt(result.cpuMs / 1000, 1)} s (${fmt(result.cpuMs / result.n, 3)} ms/attempt)`,
        `  RSS before ${fmt(result.baselineRssMb, 0)} MB, sampled peak ${fmt(result.peakRssMb, 0)} MB, kernel peak during the run ${result.runHwmMb === undefined ? "n/a" : `${fmt(result.runHwmMb, 0)} MB`}, lifetime maxRSS (start-up included) ${fmt(result.maxRssMb, 0)} MB; peak heapUsed ${fmt(result.peakHeapUsedMb, 0)} MB, heapTotal ${fmt(result.peakHeapTotalMb, 0)} MB, external ${fmt(result.peakExternalMb, 0)} MB; longest gap between samples ${fmt(result.longestSampleGapMs, 0)} ms`,
        `  attempts ${result.completed}, errors ${result.errors}, sim calls ${result.simCalls}`,
      );
      const peak = Math.max(result.peakRssMb, result.runHwmMb ?? result.maxRssMb);
      // In-process under tsx (for --profile); the RSS target is judged on the CLI part.
      metrics.push(
        `runner.inprocess_sim_peak_rss_mb ${fmt(peak, 0)} (under tsx, for reference)`,
        `runner.inprocess_sim_attempts_per_sec ${fmt(rate, 0)}`,
      );
    } else if (result.part === "cli") {
      const rate = result.storedAttempts / (result.wallMs / 1000);
      const mbText = (value?: number) => (value === undefined ? "n/a" : `${fmt(value, 0)} MB`);
      lines.push(
        `[cli] \`bin/ratchet.js eval\` (the bundled CLI, plain node, the bin's V8 flags): ${result.n} attempts (${result.n / SIM_REPEAT} cases × repeat ${SIM_REPEAT}) on sim:support, latency 0`,
        `  exit ${result.exitCode}, wall ${fmt(result.wallMs / 1000, 1)} s (start-up and report included), CPU ${result.cpuMs === undefined ? "n/a" : `${fmt(result.cpuMs / 1000, 1)} s (${fmt(result.cpuMs / result.n, 3)} ms/attempt)`}`,
        `  peak RSS ${mbText(result.peakRssMb)} (kernel VmHWM, whole process life); \`ratchet --help\` alone peaks at ${mbText(result.idlePeakRssMb)}`,
        `  attempts stored ${result.storedAttempts}`,
      );
      if (result.exitCode !== 0 && result.exitCode !== 1) lines.push(result.stderrTail);
      const ok = result.storedAttempts === result.n && result.peakRssMb !== undefined;
      metrics.push(
        `runner.sim_attempts ${result.storedAttempts}${result.n < SIM_FULL_N ? " (scaled down)" : ""}`,
        `runner.sim_peak_rss_mb ${mbText(result.peakRssMb)} (target <= 250) ${verdict(ok && (result.peakRssMb ?? 0) <= 250)}`,
        `runner.sim_attempts_per_sec ${fmt(rate, 0)}`,
      );
    } else if (result.part === "cache") {
      const s = result.second;
      lines.push(
        `[cache] ${result.n} cases twice, cache on, same store`,
        `  first run: ${fmt(result.first.wallMs / 1000)} s, provider HTTP calls ${result.first.httpCalls}, server saw ${result.first.serverRequests}, errors ${result.first.errors}`,
        `  second run: ${fmt(s.wallMs / 1000)} s, CPU ${fmt(s.cpuMs / 1000)} s, provider HTTP calls ${s.httpCalls}, server saw ${s.serverRequests}, cache hits ${s.cacheHits} / misses ${s.cacheMisses}, attempts ${s.completed}, errors ${s.errors}`,
      );
      metrics.push(
        `runner.cached_rerun_http_calls ${s.httpCalls} (target 0) ${verdict(s.httpCalls === 0)}`,
        `runner.cached_rerun_server_requests ${s.serverRequests} (target 0) ${verdict(s.serverRequests === 0)}`,
      );
    }
    if (result.profile) lines.push(formatSummary(result.part, result.profile));
  }
  console.log(["", ...lines, "", ...notes, "", "=== results ===", ...metrics].join("\n"));
}
