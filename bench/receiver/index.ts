/**
 * Receiver throughput benchmark: `npx tsx bench/receiver/index.ts [--quick] [--src]`.
 *
 * The same spans (agent traces of 10 spans, bench/support/spans.ts) are stored twice, in the
 * same run, each by a `ratchet` child process:
 *
 * 1. File: `ratchet ingest spans.jsonl --no-mine` (OTLP JSON, one trace per line). Its
 *    start-up is measured apart (ingesting a one-trace file) and taken off.
 * 2. HTTP: `ratchet serve`, with 8 clients posting batches of 51 traces (510 spans, near the
 *    OTLP batch processor's 512) over keep-alive HTTP, as protobuf and then as JSON. A 503 is
 *    counted and re-sent after its Retry-After, as OTLP exporters do; so is a connection error.
 * 3. Backlog: the same with 32 clients, to see p99 and whether the server refuses (503)
 *    instead of letting requests queue.
 *
 * Printed: spans/s, the ratio HTTP ÷ file (target ≥ 0.8 at 8 clients, no 503), request
 * latency p50/p99, 503s, and CPU ms per 1,000 spans of the storing process (from /proc; start-up
 * taken off for ingest), whose ratio is less sensitive to other load on a shared machine. By default the
 * built CLI is measured (tsc + bundle first, what `npx ratchet` runs); `--src` runs the
 * sources through tsx instead (quicker to iterate; steady-state speed is the same code).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { openSqliteStore } from "../../src/store/index.js";
import { encodeExportRequest, type OtlpExportRequest } from "../../src/traces/index.js";
import { buildDist } from "../runner/cli-process.js";
import { RESOURCE, SPANS_PER_TRACE, traceSpans, writeOtlpFile } from "../support/spans.js";

const quick = process.argv.includes("--quick");
const fromSource = process.argv.includes("--src");
const SPANS = quick ? 50_000 : 200_000;
const TRACES = SPANS / SPANS_PER_TRACE;
const TRACES_PER_REQUEST = 51;
const TOKEN = "bench-receiver-token-0123456789abcdef";
const TARGET = 0.8;

const BIN = fileURLToPath(new URL("../../bin/ratchet.js", import.meta.url));
const SRC_BIN = fileURLToPath(new URL("../../src/cli/bin.ts", import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

function ratchet(args: string[], cwd: string): ChildProcess {
  const env = { ...process.env, NO_COLOR: "1", BENCH_TOKEN: TOKEN };
  const stdio: ["ignore", "pipe", "pipe"] = ["ignore", "pipe", "pipe"];
  return fromSource
    ? spawn(process.execPath, ["--import", TSX, SRC_BIN, ...args], { cwd, env, stdio })
    : spawn(BIN, args, { cwd, env, stdio });
}

/** User + system CPU ms of a process so far (Linux /proc; undefined elsewhere). */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

async function exited(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-4000);
  });
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stderr };
}

/** Wall seconds and CPU ms of one `ratchet ingest` (CPU polled from /proc until it exits). */
async function ingestRun(dir: string, file: string, db: string) {
  const started = performance.now();
  const child = ratchet(["ingest", file, "--db", join(dir, db), "--no-mine", "--json"], dir);
  let cpu: number | undefined;
  const poll = setInterval(() => {
    cpu = cpuMs(child.pid) ?? cpu;
  }, 10);
  const { code, stderr } = await exited(child);
  clearInterval(poll);
  if (code !== 0) throw new Error(`ratchet ingest exited ${code}: ${stderr}`);
  return { seconds: (performance.now() - started) / 1000, cpu };
}

async function fromFile(dir: string) {
  const one = join(dir, "one.jsonl");
  const file = join(dir, "spans.jsonl");
  await writeOtlpFile(one, 1);
  await writeOtlpFile(file, TRACES);
  const startup = await ingestRun(dir, one, "startup.db");
  const total = await ingestRun(dir, file, "file.db");
  const seconds = total.seconds - startup.seconds;
  return {
    seconds,
    startup: startup.seconds,
    spansPerSec: SPANS / seconds,
    cpuPerKSpans:
      total.cpu !== undefined && startup.cpu !== undefined
        ? ((total.cpu - startup.cpu) / SPANS) * 1000
        : undefined,
  };
}

type Wire = "protobuf" | "json";

function bodies(wire: Wire): Buffer[] {
  const out: Buffer[] = [];
  for (let t = 0; t < TRACES; t += TRACES_PER_REQUEST) {
    const spans: Array<Record<string, unknown>> = [];
    for (let i = t; i < Math.min(TRACES, t + TRACES_PER_REQUEST); i++) {
      spans.push(...traceSpans(i, wire === "protobuf"));
    }
    const req = {
      resourceSpans: [{ resource: RESOURCE, scopeSpans: [{ scope: { name: "bench" }, spans }] }],
    } as unknown as OtlpExportRequest;
    out.push(
      wire === "protobuf"
        ? Buffer.from(encodeExportRequest(req))
        : Buffer.from(JSON.stringify(req)),
    );
  }
  return out;
}

function post(
  agent: Agent,
  url: URL,
  wire: Wire,
  body: Buffer,
): Promise<{ status: number; retryAfter: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          "content-type": wire === "protobuf" ? "application/x-protobuf" : "application/json",
          "content-length": body.length,
        },
      },
      (res) => {
        res.resume();
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: Number(res.headers["retry-after"] ?? 1),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

async function overHttp(dir: string, wire: Wire, clients: number) {
  const payloads = bodies(wire);
  const db = join(dir, `serve-${wire}-${clients}.db`);
  const server = ratchet(["serve", "--db", db, "--port", "0", "--token-env", "BENCH_TOKEN"], dir);
  const done = exited(server);
  let stdout = "";
  const url = await new Promise<URL>((resolve, reject) => {
    server.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      const match = /listening on (http:\/\/\S+) /.exec(stdout);
      if (match) resolve(new URL("/v1/traces", match[1]));
    });
    server.once("exit", (code) => reject(new Error(`serve exited ${code} before listening`)));
  });
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  let refused = 0;
  let failed = 0;
  let next = 0;
  const cpu0 = cpuMs(server.pid);
  const clientCpu0 = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = next++; i < payloads.length; i = next++) {
        for (;;) {
          const sent = performance.now();
          const answer = await post(agent, url, wire, payloads[i] as Buffer).catch(() => undefined);
          latencies.push(performance.now() - sent);
          if (answer === undefined) {
            // A reset or refused connection: exporters retry these too.
            failed++;
            await new Promise((r) => setTimeout(r, 1000));
            continue;
          }
          const { status, retryAfter } = answer;
          if (status === 200) break;
          if (status !== 503) throw new Error(`HTTP ${status} from serve`);
          refused++;
          await new Promise((r) => setTimeout(r, retryAfter * 1000));
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu1 = cpuMs(server.pid);
  const clientCpu = process.cpuUsage(clientCpu0);
  agent.destroy();
  server.kill("SIGTERM");
  const { code, stderr } = await done;
  if (code !== 0) throw new Error(`serve exited ${code}: ${stderr}`);
  const store = await openSqliteStore(db);
  const stored = await store.traces.countTraces();
  await store.close();
  if (stored !== TRACES) throw new Error(`serve stored ${stored}/${TRACES} traces`);
  latencies.sort((a, b) => a - b);
  return {
    wire,
    clients,
    requests: payloads.length,
    seconds,
    spansPerSec: SPANS / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    refused,
    failed,
    clientCpuPerKSpans: ((clientCpu.user + clientCpu.system) / 1000 / SPANS) * 1000,
    cpuPerKSpans:
      cpu0 !== undefined && cpu1 !== undefined ? ((cpu1 - cpu0) / SPANS) * 1000 : undefined,
  };
}

async function main() {
  if (!fromSource) await buildDist();
  const dir = mkdtempSync(join(tmpdir(), "ratchet-bench-receiver-"));
  try {
    const file = await fromFile(dir);
    console.log(
      `file:  ratchet ingest of ${SPANS} spans (${TRACES} traces, OTLP JSON): ${file.seconds.toFixed(2)} s after ${file.startup.toFixed(2)} s start-up = ${Math.round(file.spansPerSec)} spans/s` +
        (file.cpuPerKSpans !== undefined
          ? `; CPU ${file.cpuPerKSpans.toFixed(1)} ms per 1,000 spans`
          : ""),
    );
    const runs: Array<[Wire, number]> = [
      ["protobuf", 8],
      ["json", 8],
      ["protobuf", 32],
    ];
    for (const [wire, clients] of runs) {
      const http = await overHttp(dir, wire, clients);
      const ratio = http.spansPerSec / file.spansPerSec;
      const verdict =
        clients === 8
          ? ratio >= TARGET && http.refused === 0 && http.failed === 0
            ? " (target ≥ 0.8, no 503: met)"
            : " (target ≥ 0.8, no 503: NOT met)"
          : "";
      console.log(
        `serve: ${http.wire.padEnd(8)} ${String(clients).padStart(2)} clients, ${http.requests} requests of ≤${TRACES_PER_REQUEST * SPANS_PER_TRACE} spans: ` +
          `${http.seconds.toFixed(2)} s = ${Math.round(http.spansPerSec)} spans/s, ratio to file ${ratio.toFixed(2)}${verdict}; ` +
          `latency p50 ${Math.round(http.p50)} ms, p99 ${Math.round(http.p99)} ms; 503s ${http.refused}, connection errors ${http.failed}` +
          (http.cpuPerKSpans !== undefined && file.cpuPerKSpans !== undefined
            ? `; server CPU ${http.cpuPerKSpans.toFixed(1)} ms per 1,000 spans (file ÷ serve ${(file.cpuPerKSpans / http.cpuPerKSpans).toFixed(2)})`
            : "") +
          `; the clients (this process) ${http.clientCpuPerKSpans.toFixed(1)} ms per 1,000 spans on the same cores`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
