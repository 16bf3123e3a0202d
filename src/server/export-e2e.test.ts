import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isInputError } from "../core/index.js";
import { openSqliteStore, type Store } from "../store/index.js";
import { sampleAttempt, sampleRun } from "../store/test-support/samples.js";
import { exportRunOverOtlp } from "../traces/index.js";
import { type RunningServer, startServer } from "./index.js";

const TOKEN = "export-test-token-0123456789";

describe("exportRunOverOtlp → our receiver", () => {
  let dir: string;
  let evalStore: Store;
  let collector: Store;
  let server: RunningServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ratchet-export-"));
    evalStore = await openSqliteStore(join(dir, "eval.db"));
    collector = await openSqliteStore(join(dir, "collector.db"));
    server = await startServer({ traces: collector.traces, token: TOKEN, port: 0 });
  });
  afterAll(async () => {
    await server.close();
    await evalStore.close();
    await collector.close();
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

    const result = await exportRunOverOtlp(evalStore, run.id, server.url, {
      authorization: `Bearer ${TOKEN}`,
    });
    const expectedSpans = attempts.reduce((n, a) => n + a.spans.length, 0) + 1;
    expect(result).toMatchObject({ attempts: 5, spans: expectedSpans });
    expect(result.url).toBe(`${server.url}/v1/traces`);

    for (const attempt of attempts) {
      const traceId = attempt.spans[0]?.trace_id as string;
      const got = await collector.traces.getTrace(traceId);
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
    const made = (await collector.traces.listTraces()).find((t) =>
      t.root_name?.includes("case-bare"),
    );
    const bareTrace = await collector.traces.getTrace(made?.trace_id as string);
    expect(bareTrace?.spans).toHaveLength(1);
    expect(
      bareTrace?.spans[0]?.events.filter((e) => e.name === "gen_ai.evaluation.result"),
    ).toHaveLength(bare.scores.length);
  });

  it("a wrong token fails the export with a clear error", async () => {
    const run = sampleRun({ id: "run_01J00000000000000000000002" });
    await evalStore.createRun(run);
    await evalStore.saveAttempt(sampleAttempt(run.id, "c", 0, "m", 20));
    const error = await exportRunOverOtlp(evalStore, run.id, server.url, {
      authorization: "Bearer wrong",
    }).catch((e) => e);
    expect(isInputError(error)).toBe(true);
    expect(String(error.message)).toMatch(/failed/);
  });
});
