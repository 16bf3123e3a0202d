/**
 * Runs the built CLI (`bin/ratchet.js …` through its shebang, what `npx ratchet` runs: plain
 * node on the bundle in dist/cli-bundle/, no tsx) as a child process and watches it from outside through /proc: the kernel's
 * peak-RSS mark (VmHWM) and its CPU time, polled every 20 ms until it exits. Linux only;
 * elsewhere the numbers are absent.
 */
import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { bundleCli } from "../../scripts/bundle-cli.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = fileURLToPath(new URL("../../bin/ratchet.js", import.meta.url));
/** Linux reports CPU times in clock ticks; 100 per second on every common configuration. */
const TICKS_PER_SECOND = 100;

export interface CliRun {
  exitCode: number | null;
  wallMs: number;
  /** Date.now() just before the spawn and when the exit was seen, for the child's own marks. */
  spawnedAtEpochMs: number;
  exitedAtEpochMs: number;
  /** Peak RSS over the process's life, start-up included (MB); undefined without /proc. */
  peakRssMb?: number;
  /** User + system CPU at the last poll (ms); at most one poll interval short. */
  cpuMs?: number;
  stderrTail: string;
}

/** Compiles src/ to dist/ and bundles the CLI, so that what is measured is the current code. */
export async function buildDist(): Promise<void> {
  execFileSync(
    process.execPath,
    [
      fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url)),
      "-p",
      "tsconfig.build.json",
    ],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
  await bundleCli();
}

/** The kernel's peak-RSS mark (VmHWM) of a process, in MB; undefined without /proc. */
export function highWaterMarkMb(pid: number | "self"): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** User + system CPU ms from a /proc `stat` line (utime and stime are fields 14 and 15). */
function statCpuMs(stat: string): number {
  // Fields counted after the parenthesised command name, which may itself hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

function readProc(pid: number): { hwmMb?: number; cpuMs?: number } {
  const hwmMb = highWaterMarkMb(pid);
  let cpuMs: number | undefined;
  try {
    cpuMs = statCpuMs(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    cpuMs = undefined;
  }
  return {
    ...(hwmMb !== undefined ? { hwmMb } : {}),
    ...(cpuMs !== undefined && Number.isFinite(cpuMs) ? { cpuMs } : {}),
  };
}

/** The built CLI, executed through its shebang exactly as the npm bin link runs it (V8 flags included). */
export function runCli(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<CliRun> {
  return runProcess(bin, args, cwd, env);
}

/** Any process, timed from spawn to exit and watched through /proc. */
export function runProcess(
  command: string,
  args: string[],
  cwd?: string,
  env: Record<string, string> = {},
): Promise<CliRun> {
  const spawnedAtEpochMs = Date.now();
  const started = performance.now();
  const child = spawn(command, args, {
    ...(cwd !== undefined ? { cwd } : {}),
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  let stderrTail = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString("utf8")).slice(-4000);
  });
  let last: { hwmMb?: number; cpuMs?: number } = {};
  const poll = setInterval(() => {
    if (child.pid === undefined) return;
    const now = readProc(child.pid);
    if (now.hwmMb !== undefined) last = now;
  }, 20);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      clearInterval(poll);
      resolve({
        exitCode: code,
        wallMs: performance.now() - started,
        spawnedAtEpochMs,
        exitedAtEpochMs: Date.now(),
        ...(last.hwmMb !== undefined ? { peakRssMb: last.hwmMb } : {}),
        ...(last.cpuMs !== undefined ? { cpuMs: last.cpuMs } : {}),
        stderrTail,
      });
    });
  });
}

/** CPU ms of this process's threads grouped by thread name (Linux), e.g. main vs V8 helpers. */
export function threadCpuMs(): Record<string, number> | undefined {
  try {
    const out: Record<string, number> = {};
    for (const tid of readdirSync("/proc/self/task")) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ms = statCpuMs(stat);
      const group = String(tid) === String(process.pid) ? "main" : name;
      out[group] = (out[group] ?? 0) + ms;
    }
    return out;
  } catch {
    return undefined;
  }
}
