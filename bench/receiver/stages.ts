/**
 * Where the receiver's time goes: `npx tsx bench/receiver/stages.ts [--quick]`.
 *
 * Runs each stage of a `/v1/traces` request in-process over the bench's bodies (510 spans
 * each) and prints the CPU ms per 1,000 spans of: protobuf decode, JSON.parse, convert,
 * redaction, dialect normalization, store insert (one transaction per request), and the whole
 * HTTP round trip through the in-process receiver, beside the file path's stages.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Span } from "../../src/core/index.js";
import { defaultRedactor } from "../../src/redact/index.js";
import { createReceiverApp } from "../../src/server/index.js";
import { openSqliteStore } from "../../src/store/index.js";
import {
  convertExportRequest,
  decodeExportRequest,
  encodeExportRequest,
  normalizeSpan,
  type OtlpExportRequest,
  redactSpan,
} from "../../src/traces/index.js";
import { RESOURCE, SPANS_PER_TRACE, traceSpans } from "../support/spans.js";

const quick = process.argv.includes("--quick");
const TRACES = quick ? 2_000 : 10_000;
const PER_REQUEST = 51;

function requests(idsAsBytes: boolean): OtlpExportRequest[] {
  const out: OtlpExportRequest[] = [];
  for (let t = 0; t < TRACES; t += PER_REQUEST) {
    const spans: Array<Record<string, unknown>> = [];
    for (let i = t; i < Math.min(TRACES, t + PER_REQUEST); i++) {
      spans.push(...traceSpans(i, idsAsBytes));
    }
    out.push({
      resourceSpans: [{ resource: RESOURCE, scopeSpans: [{ scope: { name: "b" }, spans }] }],
    } as unknown as OtlpExportRequest);
  }
  return out;
}

const spans = TRACES * SPANS_PER_TRACE;
function cpu<T>(name: string, fn: () => T): T {
  const before = process.cpuUsage();
  const value = fn();
  const used = process.cpuUsage(before);
  console.log(
    `${name.padEnd(34)} ${(((used.user + used.system) / 1000 / spans) * 1000).toFixed(1)} ms / 1,000 spans`,
  );
  return value;
}
async function cpuAsync<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const before = process.cpuUsage();
  const value = await fn();
  const used = process.cpuUsage(before);
  console.log(
    `${name.padEnd(34)} ${(((used.user + used.system) / 1000 / spans) * 1000).toFixed(1)} ms / 1,000 spans`,
  );
  return value;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "ratchet-bench-stages-"));
  try {
    const proto = requests(true).map((r) => Buffer.from(encodeExportRequest(r)));
    const json = requests(false).map((r) => Buffer.from(JSON.stringify(r)));
    // A first pass over the pure stages, so that the figures below are steady state, not JIT.
    for (const r of json.map((b) => JSON.parse(b.toString("utf8")) as OtlpExportRequest)) {
      convertExportRequest(r);
    }
    for (const b of proto) convertExportRequest(decodeExportRequest(b));
    const decodedProto = cpu("protobuf decode", () => proto.map((b) => decodeExportRequest(b)));
    const decodedJson = cpu("JSON.parse (body → object)", () =>
      json.map((b) => JSON.parse(b.toString("utf8")) as OtlpExportRequest),
    );
    const convertedProto = cpu("convert (protobuf objects)", () =>
      decodedProto.map((r) => convertExportRequest(r).spans),
    );
    cpu("convert (JSON objects)", () => decodedJson.map((r) => convertExportRequest(r).spans));
    cpu("redact", () => {
      for (const batch of convertedProto) for (const s of batch) redactSpan(s, defaultRedactor);
    });
    cpu("normalize", () => {
      for (const batch of convertedProto) for (const s of batch) normalizeSpan(s, "otlp");
    });
    const store = await openSqliteStore(join(dir, "stages.db"));
    await cpuAsync("insert, one transaction per request", async () => {
      for (const batch of convertedProto)
        await store.traces.insertSpans(batch as Span[], { sourceFormat: "otlp" });
    });
    const again = requests(false).map((r) => convertExportRequest(r).spans);
    const big: Span[][] = [];
    for (let i = 0; i < again.length; i += 4) big.push(again.slice(i, i + 4).flat());
    const store2 = await openSqliteStore(join(dir, "stages2.db"));
    await cpuAsync("insert, ~2,000 spans per transaction", async () => {
      for (const batch of big) await store2.traces.insertSpans(batch, { sourceFormat: "otlp" });
    });
    await store.close();
    await store2.close();
    for (const [wire, bodies] of [
      ["protobuf", proto],
      ["json", json],
    ] as const) {
      const s = await openSqliteStore(join(dir, `app-${wire}.db`));
      const app = createReceiverApp({ traces: s.traces, token: "t".repeat(20) });
      await cpuAsync(`whole request in-process (${wire})`, async () => {
        for (const body of bodies) {
          const res = await app.request("/v1/traces", {
            method: "POST",
            headers: {
              authorization: `Bearer ${"t".repeat(20)}`,
              "content-type": wire === "protobuf" ? "application/x-protobuf" : "application/json",
            },
            body,
          });
          if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
          await res.arrayBuffer();
        }
      });
      await s.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
