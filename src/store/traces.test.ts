import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Span } from "../core/index.js";
import { openSqliteStore } from "./sqlite.js";
import type { Store } from "./types.js";

function span(trace: string, id: string, over: Partial<Span> = {}): Span {
  return {
    trace_id: trace,
    span_id: id,
    name: `op-${id}`,
    kind: "internal",
    start_ms: 1000,
    end_ms: 2000,
    attributes: {},
    status: { code: "unset" },
    events: [],
    ...over,
  };
}

describe("TraceStore", () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "ratchet-traces-"));
    store = await openSqliteStore(join(dir, "t.db"));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("stores spans, ignores duplicates and keeps the trace row up to date across batches", async () => {
    const child = span("t1", "b", { parent_span_id: "a", start_ms: 1500, end_ms: 3000 });
    expect(await store.traces.insertSpans([child], { sourceFormat: "otlp" })).toEqual({
      inserted: 1,
      duplicates: 0,
    });
    const root = span("t1", "a", {
      name: "invoke_agent",
      start_ms: 900,
      end_ms: 2500,
      attributes: {
        "ratchet.trace.outcome": "failure",
        "ratchet.feedback.score": 0,
        "ratchet.agent.name": "support",
      },
    });
    expect(await store.traces.insertSpans([root, child])).toEqual({ inserted: 1, duplicates: 1 });
    const got = await store.traces.getTrace("t1");
    expect(got?.summary).toMatchObject({
      trace_id: "t1",
      started_ms: 900,
      ended_ms: 3000,
      root_name: "invoke_agent",
      agent: "support",
      outcome: "failure",
      feedback_score: 0,
      span_count: 2,
      source_format: "otlp",
    });
    expect(got?.spans.map((s) => s.span_id)).toEqual(["a", "b"]);
    expect(got?.spans[0]).toEqual(root);
  });

  it("a failing batch stores nothing", async () => {
    const bad = span("t2", "y", { name: null as unknown as string });
    await expect(store.traces.insertSpans([span("t2", "x"), bad])).rejects.toThrow();
    expect(await store.traces.getTrace("t2")).toBeUndefined();
    expect(await store.traces.countTraces()).toBe(0);
  });

  it("lists newest first, filters, and iterates all pages oldest first", async () => {
    const spans: Span[] = [];
    for (let i = 0; i < 250; i++) {
      spans.push(
        span(`t${String(i).padStart(3, "0")}`, "r", {
          start_ms: i,
          end_ms: i + 1,
          attributes: { "ratchet.trace.outcome": i % 2 ? "success" : "failure" },
        }),
      );
    }
    await store.traces.insertSpans(spans);
    const newest = await store.traces.listTraces({ limit: 3 });
    expect(newest.map((t) => t.trace_id)).toEqual(["t249", "t248", "t247"]);
    const since = await store.traces.listTraces({ since: 240, outcome: "failure" });
    expect(since.map((t) => t.trace_id)).toEqual(["t248", "t246", "t244", "t242", "t240"]);
    const seen: string[] = [];
    for await (const t of store.traces.iterateTraces({})) seen.push(t.summary.trace_id);
    expect(seen).toHaveLength(250);
    expect(seen[0]).toBe("t000");
    expect(new Set(seen).size).toBe(250);
    let n = 0;
    for await (const t of store.traces.iterateTraces({ outcome: "success", limit: 120 })) {
      expect(t.summary.outcome).toBe("success");
      n++;
    }
    expect(n).toBe(120);
  });
});
