/**
 * Trace ingestion benchmark: `npx tsx bench/ingest/index.ts [--quick]`.
 *
 * 1. File → SQLite: writes an OTLP-JSON file (one ExportTraceServiceRequest of one 10-span
 *    agent trace per line, GenAI attributes and ~300 bytes of message text per span) and
 *    ingests it with `ingestFile` (readline, dialect mapping, redaction, 500 spans per
 *    transaction). Target ≥ 20,000 spans/s.
 * 2. HTTP: the same kind of spans POSTed as protobuf, 512 spans per request, to the
 *    in-process receiver (one transaction per request), one request in flight.
 * 3. Memory: peak RSS, sampled every 100 ms, while ingesting 1,000,000 spans from a file
 *    (100,000 with --quick). Target flat, ≤ 300 MB.
 *
 * Rates are given in wall time and per CPU-second of this process (user + system), which
 * is less sensitive to other load on a shared 2-core machine.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { startServer } from "../../src/server/index.js";
import { openSqliteStore } from "../../src/store/index.js";
import { encodeExportRequest, ingestFile } from "../../src/traces/index.js";
import { SPANS_PER_TRACE, traceSpans, writeOtlpFile } from "../support/spans.js";

const quick = process.argv.includes("--quick");
const FILE_SPANS = quick ? 50_000 : 200_000;
const HTTP_SPANS = quick ? 20_480 : 102_400;
const RSS_SPANS = quick ? 100_000 : 1_000_000;

/** An OTLP-JSON file of `spans` spans; its size in bytes. */
async function writeSpansFile(path: string, spans: number): Promise<number> {
  await writeOtlpFile(path, Math.ceil(spans / SPANS_PER_TRACE));
  return statSync(path).size;
}

const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;

/** Wall seconds and this process's CPU seconds spent in `fn`. */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wall = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu0);
  return { value, wall, cpu: (used.user + used.system) / 1e6 };
}

async function fileToSqlite(dir: string) {
  const file = join(dir, "spans.jsonl");
  const size = await writeSpansFile(file, FILE_SPANS);
  const store = await openSqliteStore(join(dir, "file.db"));
  const { value: summary, wall, cpu } = await timed(() => ingestFile(store.traces, file));
  await store.close();
  if (summary.inserted !== FILE_SPANS) throw new Error(`stored ${summary.inserted}/${FILE_SPANS}`);
  return {
    spans: FILE_SPANS,
    fileMB: mb(size),
    seconds: wall,
    spansPerSec: FILE_SPANS / wall,
    spansPerCpuSec: FILE_SPANS / cpu,
  };
}

/**
 * What keeping cost rollups costs ingestion: the same file into a store as shipped (a trigger
 * marks each span's trace for the rollups) and into one with that trigger dropped, taking
 * turns, best of three each; then the refresh that computes the marked traces' spend.
 */
async function rollupOverhead(dir: string) {
  const file = join(dir, "spans.jsonl");
  const best = { with: Number.POSITIVE_INFINITY, without: Number.POSITIVE_INFINITY, refresh: 0 };
  let traces = 0;
  for (let round = 0; round < 3; round++) {
    for (const kind of ["with", "without"] as const) {
      const path = join(dir, `rollup-${kind}-${round}.db`);
      const store = await openSqliteStore(path);
      if (kind === "without") {
        const db = new Database(path);
        db.exec("DROP TRIGGER spans_cost_dirty");
        db.close();
      }
      const { wall } = await timed(() => ingestFile(store.traces, file));
      best[kind] = Math.min(best[kind], wall);
      if (kind === "with") {
        const refresh = await timed(() => store.costs.refresh());
        traces = refresh.value;
        best.refresh = round === 0 ? refresh.wall : Math.min(best.refresh, refresh.wall);
      }
      await store.close();
      for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
    }
  }
  return { spans: FILE_SPANS, traces, ...best };
}

async function overHttp(dir: string) {
  const store = await openSqliteStore(join(dir, "http.db"));
  const token = "bench-token-0123456789abcdef";
  const server = await startServer({ traces: store.traces, token, port: 0 });
  const url = `${server.url}/v1/traces`;
  const perRequest = 512;
  const bodies: Uint8Array[] = [];
  let t = 0;
  for (let sent = 0; sent < HTTP_SPANS; sent += perRequest) {
    const spans: Array<Record<string, unknown>> = [];
    while (spans.length < perRequest) spans.push(...traceSpans(t++, true));
    bodies.push(
      encodeExportRequest({
        resourceSpans: [{ scopeSpans: [{ spans: spans.slice(0, perRequest) as never }] }],
      }),
    );
  }
  const { wall, cpu } = await timed(async () => {
    for (const body of bodies) {
      const res = await fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/x-protobuf" },
        body,
      });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    }
  });
  await server.close();
  await store.close();
  const spans = bodies.length * perRequest;
  // Client and server share this process, so the CPU rate includes the client's fetch work.
  return {
    spans,
    requests: bodies.length,
    seconds: wall,
    spansPerSec: spans / wall,
    spansPerCpuSec: spans / cpu,
  };
}

async function rssWhileIngesting(dir: string) {
  const file = join(dir, "big.jsonl");
  const size = await writeSpansFile(file, RSS_SPANS);
  global.gc?.();
  const store = await openSqliteStore(join(dir, "big.db"));
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const samples: number[] = [];
  const timer = setInterval(() => {
    const rss = process.memoryUsage().rss;
    samples.push(rss);
    if (rss > peak) peak = rss;
  }, 100);
  const start = performance.now();
  const summary = await ingestFile(store.traces, file);
  const seconds = (performance.now() - start) / 1000;
  clearInterval(timer);
  await store.close();
  // "Flat": the last quarter of the run should not sit much higher than the second quarter.
  const q = Math.floor(samples.length / 4);
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return {
    spans: summary.inserted,
    fileMB: mb(size),
    seconds,
    spansPerSec: summary.inserted / seconds,
    baselineMB: mb(baseline),
    peakMB: mb(peak),
    q2MB: mb(avg(samples.slice(q, 2 * q))),
    q4MB: mb(avg(samples.slice(3 * q))),
    samples: samples.length,
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "ratchet-bench-ingest-"));
  try {
    // Memory first, in a fresh process, so earlier phases do not inflate the baseline.
    const rss = await rssWhileIngesting(dir);
    console.log(
      `memory: ${rss.spans} spans from a ${rss.fileMB} MB file in ${rss.seconds.toFixed(1)} s ` +
        `(${Math.round(rss.spansPerSec)} spans/s); RSS baseline ${rss.baselineMB} MB, peak ${rss.peakMB} MB, ` +
        `2nd-quarter mean ${rss.q2MB} MB, last-quarter mean ${rss.q4MB} MB (${rss.samples} samples @100 ms)`,
    );
    rmSync(join(dir, "big.jsonl"), { force: true });
    const file = await fileToSqlite(dir);
    console.log(
      `file → SQLite: ${file.spans} spans (${file.fileMB} MB OTLP JSON) in ${file.seconds.toFixed(2)} s = ${Math.round(file.spansPerSec)} spans/s wall, ${Math.round(file.spansPerCpuSec)} spans/CPU-s (target ≥ 20000)`,
    );
    const rollups = await rollupOverhead(dir);
    console.log(
      `cost rollups: ingest ${rollups.spans} spans in ${rollups.with.toFixed(2)} s with the rollup trigger vs ${rollups.without.toFixed(2)} s without (ratio ${(rollups.with / rollups.without).toFixed(2)}); ` +
        `then ${rollups.traces} traces' spend computed in ${rollups.refresh.toFixed(2)} s (${Math.round(rollups.spans / rollups.refresh)} spans/s); ` +
        `ingest + rollups vs ingest alone ${((rollups.with + rollups.refresh) / rollups.without).toFixed(2)}×`,
    );
    const http = await overHttp(dir);
    console.log(
      `HTTP protobuf: ${http.spans} spans in ${http.requests} requests of 512 in ${http.seconds.toFixed(2)} s = ${Math.round(http.spansPerSec)} spans/s wall, ${Math.round(http.spansPerCpuSec)} spans/CPU-s (client included)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
