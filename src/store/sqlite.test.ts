import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type Attempt, InputError, type RunTotals } from "../core/index.js";
import { attemptKey, openSqliteStore, type Store } from "./index.js";
import { sampleAttempt, sampleRun } from "./test-support/samples.js";

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-store-"));
  store = await openSqliteStore(join(dir, "nested", "ratchet.db"), { iterateBatchSize: 3 });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function collect(iterable: AsyncIterable<Attempt>): Promise<Attempt[]> {
  const out: Attempt[] = [];
  for await (const a of iterable) out.push(a);
  return out;
}

const totals: RunTotals = {
  attempts: 3,
  passed: 2,
  failed: 1,
  errors: 0,
  score: 0.71,
  pass_rate: 2 / 3,
  cost_usd: 0.0123,
  input_tokens: 1200,
  output_tokens: 340,
  latency_p50_ms: 812.5,
  latency_p95_ms: 1900,
  latency_p99_ms: 2011,
  dimension_scores: { accuracy: 0.66, cost: 1 },
};

describe("runs", () => {
  it("round-trips a full run, and one without optional fields, exactly", async () => {
    const full = sampleRun({ totals, finished_at: "2025-01-02T04:00:00.000Z" });
    const bare = sampleRun({ id: "run_bare" });
    delete bare.prompt_version;
    delete bare.threshold;
    await store.createRun(structuredClone(full));
    await store.createRun(structuredClone(bare));
    expect(await store.getRun(full.id)).toStrictEqual(full);
    expect(await store.getRun(bare.id)).toStrictEqual(bare);
    expect(await store.getRun("run_missing")).toBeUndefined();
  });

  it("updates status and finishes with totals", async () => {
    const run = sampleRun();
    await store.createRun(run);
    await store.updateRunStatus(run.id, "interrupted");
    expect((await store.getRun(run.id))?.status).toBe("interrupted");
    expect((await store.getRun(run.id))?.finished_at).toBeUndefined();
    await store.finishRun(run.id, "completed", totals, "2025-01-03T00:00:00.000Z");
    expect(await store.getRun(run.id)).toStrictEqual({
      ...run,
      status: "completed",
      totals,
      finished_at: "2025-01-03T00:00:00.000Z",
    });
    await expect(store.updateRunStatus("run_nope", "failed")).rejects.toThrow(/run_nope/);
    await expect(store.finishRun("run_nope", "failed", totals, "x")).rejects.toThrow(/run_nope/);
  });

  it("rejects a second run with the same id", async () => {
    await store.createRun(sampleRun());
    await expect(store.createRun(sampleRun())).rejects.toThrow(/already exists/);
  });

  it("lists runs newest first with filters", async () => {
    const runs = [
      sampleRun({ id: "run_1", started_at: "2025-01-01T00:00:00.000Z", pipeline: "a" }),
      sampleRun({ id: "run_3", started_at: "2025-01-03T00:00:00.000Z", pipeline: "b" }),
      sampleRun({
        id: "run_2",
        started_at: "2025-01-02T00:00:00.000Z",
        pipeline: "a",
        status: "completed",
      }),
    ];
    for (const r of runs) await store.createRun(r);
    const ids = async (f?: Parameters<Store["listRuns"]>[0]) =>
      (await store.listRuns(f)).map((r) => r.id);
    expect(await ids()).toEqual(["run_3", "run_2", "run_1"]);
    expect(await ids({ limit: 2 })).toEqual(["run_3", "run_2"]);
    expect(await ids({ pipeline: "a" })).toEqual(["run_2", "run_1"]);
    expect(await ids({ status: "completed" })).toEqual(["run_2"]);
  });

  it("filters by purpose: a draft's confirmation runs can be left out", async () => {
    await store.createRun(sampleRun({ id: "run_e", started_at: "2025-01-01T00:00:00.000Z" }));
    await store.createRun(
      sampleRun({ id: "run_c", started_at: "2025-01-02T00:00:00.000Z", purpose: "confirmation" }),
    );
    await store.createRun(
      sampleRun({ id: "run_o", started_at: "2025-01-03T00:00:00.000Z", purpose: "optimization" }),
    );
    const ids = async (f?: Parameters<Store["listRuns"]>[0]) =>
      (await store.listRuns(f)).map((r) => r.id);
    expect(await ids()).toEqual(["run_o", "run_c", "run_e"]);
    expect(await ids({ purposes: ["evaluation", "optimization"] })).toEqual(["run_o", "run_e"]);
    expect(await ids({ purposes: ["confirmation"] })).toEqual(["run_c"]);
    expect(await ids({ purposes: [] })).toEqual([]);
    expect((await store.getRun("run_c"))?.purpose).toBe("confirmation");
    // `latest` is never a confirmation run; its id still resolves.
    expect(await store.resolveRunId("latest~1")).toBe("run_e");
    await store.createRun(
      sampleRun({ id: "run_c2", started_at: "2025-01-04T00:00:00.000Z", purpose: "confirmation" }),
    );
    expect(await store.resolveRunId("latest")).toBe("run_o");
    expect(await store.resolveRunId("run_c2")).toBe("run_c2");
  });
});

describe("resolveRunId", () => {
  beforeEach(async () => {
    const runs: Array<[string, string]> = [
      ["run_aaa1", "2025-01-01T00:00:00.000Z"],
      ["run_aab2", "2025-01-03T00:00:00.000Z"],
      ["run_bcc3", "2025-01-02T00:00:00.000Z"],
      ["run_x", "2024-12-01T00:00:00.000Z"],
      ["run_x2", "2024-12-02T00:00:00.000Z"],
    ];
    for (const [id, started_at] of runs) await store.createRun(sampleRun({ id, started_at }));
  });

  it("resolves latest and latest~N by start time", async () => {
    expect(await store.resolveRunId("latest")).toBe("run_aab2");
    expect(await store.resolveRunId("latest~0")).toBe("run_aab2");
    expect(await store.resolveRunId("latest~1")).toBe("run_bcc3");
    expect(await store.resolveRunId("latest~2")).toBe("run_aaa1");
    expect(await store.resolveRunId("latest~5")).toBeUndefined();
  });

  it("resolves full ids and unique prefixes, with or without run_", async () => {
    expect(await store.resolveRunId("run_aaa1")).toBe("run_aaa1");
    expect(await store.resolveRunId("run_b")).toBe("run_bcc3");
    expect(await store.resolveRunId("bc")).toBe("run_bcc3");
    expect(await store.resolveRunId("aab")).toBe("run_aab2");
    // A full id wins even when it is also a prefix of another id.
    expect(await store.resolveRunId("run_x")).toBe("run_x");
    expect(await store.resolveRunId("x2")).toBe("run_x2");
  });

  it("returns undefined for no match and throws naming candidates when ambiguous", async () => {
    expect(await store.resolveRunId("zzz")).toBeUndefined();
    expect(await store.resolveRunId("")).toBeUndefined();
    const ambiguous = store.resolveRunId("run_aa");
    await expect(ambiguous).rejects.toBeInstanceOf(InputError);
    await expect(store.resolveRunId("aa")).rejects.toThrow(/run_aaa1.*run_aab2/);
  });
});

describe("attempts", () => {
  it("round-trips a full attempt, including error and optional fields, exactly", async () => {
    const run = sampleRun();
    await store.createRun(run);
    const withError: Attempt = {
      ...sampleAttempt(run.id, "case-1", 0, "v1", 1),
      status: "error",
      error: { class: "rate_limit", message: "429 Too Many Requests", status: 429 },
    };
    const plain = sampleAttempt(run.id, "case-2", 1, "v1", 2);
    expect(plain.error).toBeUndefined();
    expect(await store.saveAttempt(structuredClone(withError))).toBe(true);
    expect(await store.saveAttempt(structuredClone(plain))).toBe(true);
    const back = await collect(store.iterateAttempts(run.id));
    expect(back).toStrictEqual([withError, plain]);
  });

  it("streams only the statuses asked for, in the usual order", async () => {
    const run = sampleRun();
    await store.createRun(run);
    const attempts = (["passed", "error", "failed", "passed"] as const).map((status, i) => ({
      ...sampleAttempt(run.id, `case-${i}`, 0, "v1", i),
      status,
    }));
    for (const attempt of attempts) await store.saveAttempt(structuredClone(attempt));
    const failures = await collect(
      store.iterateAttempts(run.id, { statuses: ["failed", "error"] }),
    );
    expect(failures.map((a) => [a.case_id, a.status])).toStrictEqual([
      ["case-1", "error"],
      ["case-2", "failed"],
    ]);
    expect(await collect(store.iterateAttempts(run.id, { statuses: [] }))).toStrictEqual([]);
    expect(await collect(store.iterateAttempts(run.id))).toHaveLength(4);
  });

  it("keeps fractional (estimated) token counts exactly", async () => {
    const run = sampleRun();
    await store.createRun(run);
    const attempt = sampleAttempt(run.id, "c", 0, "v", 1);
    attempt.usage = { input_tokens: 10.5, output_tokens: 2.25 };
    await store.saveAttempt(structuredClone(attempt));
    expect(await collect(store.iterateAttempts(run.id))).toStrictEqual([attempt]);
  });

  it("ignores a duplicate (run, variant, case, epoch) and changes nothing", async () => {
    const run = sampleRun();
    await store.createRun(run);
    const first = sampleAttempt(run.id, "case-1", 0, "v1", 1);
    const dup = { ...sampleAttempt(run.id, "case-1", 0, "v1", 2), output: "different" };
    expect(first.id).not.toBe(dup.id);
    expect(await store.saveAttempt(first)).toBe(true);
    expect(await store.saveAttempt(dup)).toBe(false);
    expect(await store.countAttempts(run.id)).toBe(1);
    expect(await collect(store.iterateAttempts(run.id))).toStrictEqual([first]);
    // Same case and epoch under another variant is a different attempt.
    expect(await store.saveAttempt(sampleAttempt(run.id, "case-1", 0, "v2", 3))).toBe(true);
    expect(await store.countAttempts(run.id)).toBe(2);
  });

  it("refuses an attempt for an unknown run, naming it", async () => {
    await expect(store.saveAttempt(sampleAttempt("run_ghost", "c", 0))).rejects.toThrow(
      /run_ghost does not exist/,
    );
  });

  it("reports the keys already stored, per run", async () => {
    const a = sampleRun({ id: "run_a" });
    const b = sampleRun({ id: "run_b" });
    await store.createRun(a);
    await store.createRun(b);
    await store.saveAttempt(sampleAttempt(a.id, "c1", 0, "v1", 1));
    await store.saveAttempt(sampleAttempt(a.id, "c1", 1, "v1", 2));
    await store.saveAttempt(sampleAttempt(a.id, "c2", 0, "v2", 3));
    await store.saveAttempt(sampleAttempt(b.id, "c9", 0, "v1", 4));
    expect(await store.attemptKeys(a.id)).toEqual(
      new Set([attemptKey("v1", "c1", 0), attemptKey("v1", "c1", 1), attemptKey("v2", "c2", 0)]),
    );
    expect(await store.attemptKeys("run_none")).toEqual(new Set());
    expect(await store.countAttempts(b.id)).toBe(1);
  });

  it("streams in (case_id, epoch) order across pages, numeric epochs, per variant", async () => {
    const run = sampleRun();
    await store.createRun(run);
    const caseIds = ["case-2", "b", "case-10", "a"];
    const epochs = [10, 0, 2];
    const variants = ["v2", "v1"];
    const saved: Attempt[] = [];
    let n = 0;
    for (const variant of variants)
      for (const epoch of epochs)
        for (const caseId of caseIds) {
          const attempt = sampleAttempt(run.id, caseId, epoch, variant, n++);
          saved.push(attempt);
          await store.saveAttempt(attempt);
        }
    const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
    const order = (p: Attempt, q: Attempt) =>
      cmp(p.case_id, q.case_id) || p.epoch - q.epoch || cmp(p.variant, q.variant);
    const expected = [...saved].sort(order);
    const got = await collect(store.iterateAttempts(run.id));
    expect(got.map((a) => a.id)).toEqual(expected.map((a) => a.id));
    expect(got[0]?.case_id).toBe("a");
    expect(got.map((a) => a.epoch).slice(0, 6)).toEqual([0, 0, 2, 2, 10, 10]);

    const onlyV1 = await collect(store.iterateAttempts(run.id, { variant: "v1" }));
    expect(onlyV1.map((a) => a.id)).toEqual(
      expected.filter((a) => a.variant === "v1").map((a) => a.id),
    );
    expect(await collect(store.iterateAttempts("run_none"))).toEqual([]);
  });

  it("reads lazily and lets the consumer write while iterating", async () => {
    const run = sampleRun();
    await store.createRun(run);
    for (let i = 0; i < 5; i++) await store.saveAttempt(sampleAttempt(run.id, `c${i}`, 0, "v", i));
    const seen: string[] = [];
    for await (const attempt of store.iterateAttempts(run.id)) {
      seen.push(attempt.case_id);
      if (attempt.case_id === "c0") {
        // Sorts after every existing row, so it lands on a page not yet fetched.
        expect(await store.saveAttempt(sampleAttempt(run.id, "c9", 0, "v", 9))).toBe(true);
        await store.putCached("k", { during: "iteration" }, null);
      }
    }
    expect(seen).toEqual(["c0", "c1", "c2", "c3", "c4", "c9"]);
    expect((await store.getCached("k"))?.value).toEqual({ during: "iteration" });
  });

  it("commits a lone save on the next turn, and paces saves that allow a window", async () => {
    const run = sampleRun();
    await store.createRun(run);
    // Fake clock: commits are observed per turn and per simulated millisecond, never by waiting.
    vi.useFakeTimers({
      toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate", "performance"],
    });
    try {
      const committed: string[] = [];
      let saved = 0;
      const save = (caseId: string, commitWithinMs?: number) =>
        void store
          .saveAttempt(
            sampleAttempt(run.id, caseId, 0, "v", 100 + saved++),
            commitWithinMs === undefined ? {} : { commitWithinMs },
          )
          .then(() => committed.push(caseId));

      save("plain");
      await vi.advanceTimersByTimeAsync(0);
      save("plain-2");
      await vi.advanceTimersByTimeAsync(0);
      // No window: a caller awaiting each save in turn is never held up.
      expect(committed).toEqual(["plain", "plain-2"]);

      save("windowed-1", 50);
      save("windowed-2", 50);
      await vi.advanceTimersByTimeAsync(49);
      expect(committed).toHaveLength(2); // paced: 50 ms after the last commit
      await vi.advanceTimersByTimeAsync(1);
      expect(committed).toEqual(["plain", "plain-2", "windowed-1", "windowed-2"]);

      // A save that cannot wait pulls the waiting batch forward with it.
      save("windowed-3", 50);
      save("urgent");
      await vi.advanceTimersByTimeAsync(0);
      expect(committed.slice(4).sort()).toEqual(["urgent", "windowed-3"]);
      expect(await store.countAttempts(run.id)).toBe(6);
    } finally {
      vi.useRealTimers();
    }
  });

  it("commits a save still waiting in its window when the store closes", async () => {
    const run = sampleRun();
    await store.createRun(run);
    await store.saveAttempt(sampleAttempt(run.id, "first", 0, "v", 1));
    // Paced behind the commit just made: it would wait up to a minute without the close.
    const pending = store.saveAttempt(sampleAttempt(run.id, "second", 0, "v", 2), {
      commitWithinMs: 60_000,
    });
    await store.close();
    expect(await pending).toBe(true);
    store = await openSqliteStore(join(dir, "nested", "ratchet.db"));
    expect(await store.countAttempts(run.id)).toBe(2);
  });

  it("stores each attempt's spans in the spans table too", async () => {
    const run = sampleRun();
    await store.createRun(run);
    const attempt = sampleAttempt(run.id, "c", 0, "v", 1);
    await store.saveAttempt(attempt);
    await store.saveAttempt({ ...sampleAttempt(run.id, "c", 0, "v", 2) }); // duplicate key
    await store.close();
    const db = new Database(join(dir, "nested", "ratchet.db"), { readonly: true });
    const rows = db
      .prepare(
        "SELECT trace_id, span_id, parent_span_id, attempt_id, run_id, source, attributes FROM spans ORDER BY id",
      )
      .all() as Array<Record<string, unknown>>;
    db.close();
    expect(rows).toEqual(
      attempt.spans.map((s) => ({
        trace_id: s.trace_id,
        span_id: s.span_id,
        parent_span_id: s.parent_span_id ?? null,
        attempt_id: attempt.id,
        run_id: run.id,
        source: "eval",
        attributes: JSON.stringify(s.attributes),
      })),
    );
    store = await openSqliteStore(join(dir, "nested", "ratchet.db"));
  });
});

describe("cache", () => {
  it("returns entries until they expire, and forever without a ttl", async () => {
    await store.putCached("a", { text: "hi", n: [1, 2] }, 1000, 10_000);
    await store.putCached("b", "forever", null, 10_000);
    expect(await store.getCached("a", 10_500)).toEqual({
      value: { text: "hi", n: [1, 2] },
      created_at: 10_000,
      expires_at: 11_000,
    });
    expect(await store.getCached("a", 11_000)).toBeUndefined();
    expect(await store.getCached("a", 50_000)).toBeUndefined();
    expect(await store.getCached("b", 1e15)).toEqual({
      value: "forever",
      created_at: 10_000,
      expires_at: null,
    });
    expect(await store.getCached("missing")).toBeUndefined();
  });

  it("upserts, reviving an expired key", async () => {
    await store.putCached("k", 1, 10, 0);
    expect(await store.getCached("k", 100)).toBeUndefined();
    await store.putCached("k", 2, 10, 100);
    expect((await store.getCached("k", 105))?.value).toBe(2);
    await store.putCached("k", null, null, 200);
    expect(await store.getCached("k", 1e12)).toEqual({
      value: null,
      created_at: 200,
      expires_at: null,
    });
  });
});
