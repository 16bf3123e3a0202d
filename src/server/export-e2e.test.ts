import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isInputError, type Span } from "../core/index.js";
import { costReport } from "../cost/index.js";
import { buildDetectors, mineFailures } from "../mining/index.js";
import { openSqliteStore, type Store } from "../store/index.js";
import { sampleAttempt, sampleRun } from "../store/test-support/samples.js";
import {
  convertExportRequest,
  decodeExportRequest,
  encodeExportResponse,
  exportRunOverOtlp,
  normalizeSpan,
} from "../traces/index.js";
import { type RunningServer, startServer } from "./index.js";

const TOKEN = "export-test-token-0123456789";

/**
 * A plain OTLP/HTTP protobuf collector that keeps every span it decodes, whoever sent it:
 * the exporter's fidelity is checked here, apart from what `serve` chooses to store.
 */
async function startRawCollector(): Promise<{
  url: string;
  spans: () => Promise<{ getTrace(id: string): Span[]; all: Span[] }>;
  close(): Promise<void>;
}> {
  const received: Span[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        res.writeHead(401).end();
        return;
      }
      const converted = convertExportRequest(decodeExportRequest(Buffer.concat(chunks)));
      for (const span of [...converted.spans, ...converted.own]) {
        normalizeSpan(span, "otlp");
        received.push(span);
      }
      res.writeHead(200, { "content-type": "application/x-protobuf" });
      res.end(Buffer.from(encodeExportResponse()));
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans: async () => ({
      all: received,
      getTrace: (id) =>
        received.filter((s) => s.trace_id === id).sort((a, b) => a.start_ms - b.start_ms),
    }),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

describe("exportRunOverOtlp → an OTLP collector", () => {
  let dir: string;
  let evalStore: Store;
  let collector: Awaited<ReturnType<typeof startRawCollector>>;
  let server: RunningServer;
  let production: Store;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ratchet-export-"));
    evalStore = await openSqliteStore(join(dir, "eval.db"));
    collector = await startRawCollector();
    production = await openSqliteStore(join(dir, "collector.db"));
    server = await startServer({ traces: production.traces, token: TOKEN, port: 0 });
  });
  afterAll(async () => {
    await server.close();
    await collector.close();
    await evalStore.close();
    await production.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("re-creates each attempt's spans with their ids and times, scores as evaluation events", async () => {
    const run = sampleRun();
    await evalStore.createRun(run);
    // OTLP ids are 16/8 bytes: give the samples' spans ids of that shape.
    const attempts = [0, 1, 2, 3].map((n) => {
      const a = sampleAttempt(run.id, `case-${n}`, 0, "m", n);
      const traceId = `${n + 1}`.padStart(32, "f");
      return { ...a, spans: a.spans.map((s) => ({ ...s, trace_id: traceId })) };
    });
    const bare = { ...sampleAttempt(run.id, "case-bare", 0, "m", 9), spans: [] };
    for (const a of [...attempts, bare]) await evalStore.saveAttempt(a);

    const result = await exportRunOverOtlp(evalStore, run.id, collector.url, {
      authorization: `Bearer ${TOKEN}`,
    });
    const expectedSpans = attempts.reduce((n, a) => n + a.spans.length, 0) + 1;
    expect(result).toMatchObject({ attempts: 5, spans: expectedSpans });
    expect(result.url).toBe(`${collector.url}/v1/traces`);
    const received = await collector.spans();
    // Marked as Ratchet's own evaluation spans: resource and scope.
    for (const span of received.all) {
      expect(span.resource).toMatchObject({ "service.name": "ratchet", "ratchet.source": "eval" });
      expect(span.scope).toEqual({ name: "ratchet", version: "0.1.0" });
    }

    for (const attempt of attempts) {
      const traceId = attempt.spans[0]?.trace_id as string;
      const got = { spans: received.getTrace(traceId) };
      expect(got?.spans).toHaveLength(attempt.spans.length);
      for (const original of attempt.spans) {
        const back = got?.spans.find((s) => s.span_id === original.span_id);
        expect(back?.parent_span_id).toBe(original.parent_span_id);
        expect(back?.name).toBe(original.name);
        expect(back?.start_ms).toBeCloseTo(original.start_ms, 3);
        expect(back?.end_ms).toBeCloseTo(original.end_ms, 3);
        for (const [k, v] of Object.entries(original.attributes)) {
          // The receiver maps the older `gen_ai.system` to `gen_ai.provider.name`.
          const key = k === "gen_ai.system" ? "gen_ai.provider.name" : k;
          expect(back?.attributes[key]).toEqual(v);
        }
        expect(back?.kind).toBe(original.kind);
        expect(back?.status.code).toBe(original.status.code);
      }
      const root = got?.spans.find((s) => s.parent_span_id === undefined);
      const evaluations = root?.events.filter((e) => e.name === "gen_ai.evaluation.result") ?? [];
      expect(evaluations).toHaveLength(attempt.scores.length);
      for (const score of attempt.scores) {
        expect(evaluations.map((e) => e.attributes)).toContainEqual(
          expect.objectContaining({
            "gen_ai.evaluation.name": score.grader,
            "gen_ai.evaluation.score.value": score.score,
            "gen_ai.evaluation.score.label": score.passed ? "pass" : "fail",
            "gen_ai.evaluation.explanation": score.reason,
          }),
        );
      }
      expect(root?.attributes["ratchet.case.id"]).toBe(attempt.case_id);
    }
    // The attempt with no spans gets one made for it, carrying its scores.
    const made = received.all.find((s) => s.name.includes("case-bare"));
    const bareTrace = received.getTrace(made?.trace_id as string);
    expect(bareTrace).toHaveLength(1);
    expect(bareTrace[0]?.events.filter((e) => e.name === "gen_ai.evaluation.result")).toHaveLength(
      bare.scores.length,
    );
  });

  it("exported to Ratchet's own serve, a run is neither production spend nor production failures", async () => {
    const run = sampleRun({ id: "run_01J00000000000000000000003" });
    await evalStore.createRun(run);
    for (const n of [0, 1, 2]) {
      const a = sampleAttempt(run.id, `own-${n}`, 0, "m", 30 + n);
      const traceId = `${n + 1}`.padStart(32, "e");
      // A failing, costly attempt: what mining and cost would pick up as production.
      await evalStore.saveAttempt({
        ...a,
        status: "error",
        spans: a.spans.map((s) => ({
          ...s,
          trace_id: traceId,
          attributes: { ...s.attributes, "ratchet.cost.usd": 0.25 },
          status: { code: "error", message: "tool exploded" },
        })),
      });
    }
    const result = await exportRunOverOtlp(evalStore, run.id, server.url, {
      authorization: `Bearer ${TOKEN}`,
    });
    expect(result.spans).toBeGreaterThan(0);
    expect(await production.traces.countTraces()).toBe(0);
    const mined = await mineFailures(production, { detectors: buildDetectors() });
    expect(mined).toMatchObject({ traces: 0, signals: 0 });
    const report = await costReport(production, { by: [] });
    expect(report.rows.filter((r) => r.key.purpose === "production")).toEqual([]);
    expect(report.total.cost_usd).toBe(0);
  });

  it("a wrong token fails the export with a clear error", async () => {
    const run = sampleRun({ id: "run_01J00000000000000000000002" });
    await evalStore.createRun(run);
    await evalStore.saveAttempt(sampleAttempt(run.id, "c", 0, "m", 20));
    const error = await exportRunOverOtlp(evalStore, run.id, collector.url, {
      authorization: "Bearer wrong",
    }).catch((e) => e);
    expect(isInputError(error)).toBe(true);
    expect(String(error.message)).toMatch(/failed/);
  });
});
