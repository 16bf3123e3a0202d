/** The benchmark's fixed settings and the result each part sends back to the parent. */
import type { FloorPair } from "./floors.js";
import type { ProfileSummary } from "./profile.js";

export const DELAY_MS = 50;
export const CONCURRENCY = 50;
export const HTTP_DEFAULT_N = 2000;
/** 100k took 104 s on the shared 2-core machine (under 5 minutes), so it is the default. */
export const SIM_FULL_N = 100_000;
export const SIM_DEFAULT_N = SIM_FULL_N;
export const SIM_REPEAT = 10;
/** Not a secret: the fake server accepts anything. */
export const BENCH_KEY = "bench-key-not-a-secret";

export type Part = "http" | "sim" | "cache" | "cli" | "floor" | "machine" | "e2e";
/** The end-to-end part's sizes: where a fixed cost shows (2,000) and where it fades (10,000). */
export const E2E_DEFAULT_NS = [2000, 10_000];

export interface HttpResult {
  part: "http";
  n: number;
  completed: number;
  errors: number;
  passed: number;
  wallMs: number;
  /** From onStart (config, store, suite validated) to the end of executeRun's totals. */
  runWallMs: number;
  idealMs: number;
  cpuMs: number;
  /** CPU during the run by thread name (main, V8 helper threads, libuv pool), Linux only. */
  threadCpuMs?: Record<string, number>;
  /** The same eval again in the same process on a fresh project: V8 has compiled the hot code. */
  warm?: { wallMs: number; runWallMs: number; cpuMs: number; mainMs?: number };
  /** Bare provider calls (`doGenerate`), same N, concurrency, server and transport. */
  floor?: FloorPair;
  /** Bare node:http calls: what the machine and server allow with no model client at all. */
  machine?: FloorPair;
  /** Process CPU per attempt from the quarter mark to the last attempt (see Counted). */
  steadyCpuMsPerAttempt?: number;
  httpCalls: number;
  serverRequests: number;
  serverCpuMs: number;
  profile?: ProfileSummary;
}

export interface SimResult {
  part: "sim";
  n: number;
  completed: number;
  errors: number;
  wallMs: number;
  cpuMs: number;
  baselineRssMb: number;
  peakRssMb: number;
  /** Lifetime maxRSS, start-up (module loading under tsx) included. */
  maxRssMb: number;
  /** The kernel's high-water mark reset when the run starts (Linux); undefined elsewhere. */
  runHwmMb?: number;
  /** Sampled alongside RSS: the JS heap and Buffers/native memory V8 knows about. */
  peakHeapUsedMb: number;
  /** The heap V8 had reserved (used + not yet collected + free). */
  peakHeapTotalMb: number;
  peakExternalMb: number;
  /** The largest gap between two RSS samples: a long synchronous stretch hides peaks. */
  longestSampleGapMs: number;
  simCalls: number;
  profile?: ProfileSummary;
}

export interface CacheResult {
  part: "cache";
  n: number;
  first: { wallMs: number; httpCalls: number; serverRequests: number; errors: number };
  second: {
    wallMs: number;
    cpuMs: number;
    httpCalls: number;
    serverRequests: number;
    cacheHits: number;
    cacheMisses: number;
    errors: number;
    completed: number;
  };
  profile?: ProfileSummary;
}

export interface CliSimResult {
  part: "cli";
  n: number;
  exitCode: number | null;
  storedAttempts: number;
  wallMs: number;
  cpuMs?: number;
  peakRssMb?: number;
  /** `ratchet --help`: the CLI's own start-up footprint, for scale. */
  idlePeakRssMb?: number;
  stderrTail: string;
  /** Never set: the CLI runs unprofiled. */
  profile?: undefined;
}

export interface FloorResult {
  part: "floor" | "machine";
  n: number;
  pair: FloorPair;
  profile?: undefined;
}

/** One `bin/ratchet.js eval` against the fake server, spawn to exit, beside its floor. */
export interface E2eRun {
  n: number;
  /** ceil(N / concurrency) × the server delay. */
  idealMs: number;
  wallMs: number;
  exitCode: number | null;
  cpuMs?: number;
  /** Rows in the store after exit: every attempt durable. */
  storedAttempts: number;
  /** The bare `node -e` node:http process, same N, spawn to exit: before and after the CLI. */
  floorMs: [number, number];
  /** The same N calls as bare AI SDK `doGenerate` calls in a fresh process, spawn to exit. */
  sdkFloorMs: number;
  /** RATCHET_PROFILE=1 phase marks: wall and CPU ms in each phase. */
  phases: Array<{ name: string; atMs: number; ms: number; cpuMs: number }>;
  /** Spawn to the child's time origin: node's own boot, before any JS. */
  bootMs?: number;
  /** The child's exit event to the parent seeing it exit: node's teardown. */
  teardownMs?: number;
  /** `--e2e-baseline <bin.js>`: another build's CLI, same N, between the two floors. */
  baseline?: {
    bin: string;
    wallMs: number;
    exitCode: number | null;
    cpuMs?: number;
    storedAttempts: number;
  };
  stderrTail: string;
}

export interface E2eResult {
  part: "e2e";
  runs: E2eRun[];
  profile?: undefined;
}

export type PartResult =
  | HttpResult
  | SimResult
  | CacheResult
  | CliSimResult
  | FloorResult
  | E2eResult;
