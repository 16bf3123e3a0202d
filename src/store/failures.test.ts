import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputError } from "../core/index.js";
import { type NewFailure, openSqliteStore, recurrenceFactor, type Store } from "./index.js";

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-failures-"));
  store = await openSqliteStore(join(dir, "r.db"));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function failure(
  trace: string,
  fingerprint: string,
  at: string,
  overrides: Partial<NewFailure> = {},
): NewFailure {
  return {
    trace_id: trace,
    detector: "tool-error",
    signal_type: "hard_error",
    severity: "medium",
    weight: 1,
    base_score: 0.5,
    timestamp: at,
    input: "where is my order?",
    output: "Sorry, something went wrong.",
    tool_calls: [{ name: "get_order", error: "Error: not found" }],
    error: "Error: not found",
    reason: "a tool call failed",
    context: { outcome: "failure" },
    redacted_text: "user: where is my order?",
    fingerprint,
    ...overrides,
  };
}

describe("FailureStore", () => {
  it("upserts by (trace, detector) and links duplicates to the earliest original", async () => {
    const a = await store.failures.record(failure("t1", "fp1", "2026-03-01T00:00:00.000Z"));
    expect(a.outcome).toBe("new");
    expect(
      (await store.failures.record(failure("t1", "fp1", "2026-03-01T00:00:00.000Z"))).outcome,
    ).toBe("existing");
    const other = await store.failures.record(
      failure("t1", "fp9", "2026-03-01T00:00:00.000Z", { detector: "span-error" }),
    );
    expect(other.outcome).toBe("new");
    const b = await store.failures.record(failure("t2", "fp1", "2026-03-02T00:00:00.000Z"));
    expect(b.outcome).toBe("duplicate");
    expect(b.failure.duplicate_of).toBe(a.failure.id);
    const original = await store.failures.get(a.failure.id);
    expect(original?.count).toBe(2);
    expect(original?.last_seen).toBe("2026-03-02T00:00:00.000Z");
    expect(original?.score).toBeCloseTo(0.5 * 2, 6);
    expect(recurrenceFactor(4)).toBe(3);
  });

  it("lists by score with filters and streams the same order", async () => {
    await store.failures.record(
      failure("t1", "f1", "2026-03-01T00:00:00.000Z", { base_score: 0.2 }),
    );
    await store.failures.record(
      failure("t2", "f2", "2026-03-05T00:00:00.000Z", {
        base_score: 0.9,
        signal_type: "user_correction",
        detector: "x",
      }),
    );
    await store.failures.record(
      failure("t3", "f3", "2026-03-03T00:00:00.000Z", { base_score: 0.5 }),
    );
    const top = await store.failures.list({ limit: 2 });
    expect(top.map((f) => f.trace_id)).toEqual(["t2", "t3"]);
    expect((await store.failures.list({ type: "hard_error" })).map((f) => f.trace_id)).toEqual([
      "t3",
      "t1",
    ]);
    expect(
      (await store.failures.list({ since: "2026-03-02T00:00:00.000Z" })).map((f) => f.trace_id),
    ).toEqual(["t2", "t3"]);
    const streamed: string[] = [];
    for await (const f of store.failures.iterate()) streamed.push(f.trace_id);
    expect(streamed).toEqual(["t2", "t3", "t1"]);
  });

  it("keeps every triage decision with who and when; status follows the latest", async () => {
    const { failure: f } = await store.failures.record(
      failure("t1", "f1", "2026-03-01T00:00:00.000Z"),
    );
    await store.failures.triage(f.id, {
      status: "accepted",
      by: "alice",
      note: "real bug",
      at: "2026-03-02T09:00:00.000Z",
    });
    await store.failures.triage(f.id, {
      status: "dismissed",
      by: "bob",
      at: "2026-03-03T09:00:00.000Z",
    });
    const history = await store.failures.history(f.id);
    expect(history).toEqual([
      {
        failure_id: f.id,
        status: "accepted",
        by: "alice",
        at: "2026-03-02T09:00:00.000Z",
        note: "real bug",
      },
      { failure_id: f.id, status: "dismissed", by: "bob", at: "2026-03-03T09:00:00.000Z" },
    ]);
    expect((await store.failures.get(f.id))?.status).toBe("dismissed");
    expect(await store.failures.list()).toEqual([]);
    expect((await store.failures.list({ status: "dismissed" })).map((x) => x.id)).toEqual([f.id]);
  });

  it("manual duplicates point at the original and move its count; undoing moves it back", async () => {
    const { failure: a } = await store.failures.record(
      failure("t1", "f1", "2026-03-01T00:00:00.000Z"),
    );
    const { failure: b } = await store.failures.record(
      failure("t2", "f2", "2026-03-02T00:00:00.000Z"),
    );
    const { failure: c } = await store.failures.record(
      failure("t3", "f2", "2026-03-03T00:00:00.000Z"),
    );
    expect(c.duplicate_of).toBe(b.id);
    // b (with its duplicate c) is the same failure as a.
    await store.failures.triage(b.id, { status: "duplicate", by: "alice", duplicate_of: a.id });
    expect((await store.failures.get(a.id))?.count).toBe(3);
    expect((await store.failures.get(c.id))?.duplicate_of).toBe(a.id);
    await store.failures.triage(b.id, {
      status: "accepted",
      by: "alice",
      note: "not the same after all",
    });
    expect((await store.failures.get(a.id))?.count).toBe(2);
    expect((await store.failures.get(b.id))?.duplicate_of).toBeNull();
    await expect(store.failures.triage(a.id, { status: "duplicate", by: "x" })).rejects.toThrow(
      InputError,
    );
    await expect(
      store.failures.triage("fail_nope", { status: "accepted", by: "x" }),
    ).rejects.toThrow(/no failure/);
  });

  it("resolves id prefixes", async () => {
    const { failure: f } = await store.failures.record(
      failure("t1", "f1", "2026-03-01T00:00:00.000Z"),
    );
    expect(await store.failures.resolveId(f.id.slice(0, 14))).toBe(f.id);
    expect(await store.failures.resolveId(f.id.slice(5, 16))).toBe(f.id);
    expect(await store.failures.resolveId("fail_zzzz")).toBeUndefined();
  });
});
