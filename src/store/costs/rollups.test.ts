import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Span } from "../../core/index.js";
import { insertSpans } from "../../mining/test-support/traces.js";
import { encodeSpan, SPAN_COLUMNS } from "../codec.js";
import { openSqliteStore, type Store } from "../index.js";
import { MIGRATIONS, migrate } from "../migrations.js";
import { sampleRun, sampleSpan } from "../test-support/samples.js";

const HOUR = 3_600_000;
const T0 = Date.parse("2026-03-01T00:00:00Z");

/** A span named after its operation, as the rollups do not read names. */
const span = (
  trace: string,
  id: string,
  parent: string | undefined,
  start: number,
  attributes: Span["attributes"],
): Span =>
  sampleSpan(
    trace,
    id,
    parent,
    String(attributes["gen_ai.operation.name"] ?? "step"),
    start,
    attributes,
  );

const chatCosting = (usd: number) => ({
  "gen_ai.operation.name": "chat",
  "gen_ai.request.model": "m",
  "ratchet.cost.usd": usd,
});

let dir: string;
let path: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-cost-rollups-"));
  path = join(dir, "r.db");
  store = await openSqliteStore(path);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function spendBy(
  dimension: "purpose" | "day" | "agent",
  window: { sinceMs?: number; untilMs?: number } = {},
) {
  const groups = await store.costs.costGroups({ by: [dimension], ...window });
  const out: Record<string, number> = {};
  for (const g of groups) {
    const k = g.key[dimension] ?? "-";
    out[k] = Math.round(((out[k] ?? 0) + g.cost_usd) * 1e6) / 1e6;
  }
  return out;
}

/** The hour rollups hold exactly what the per-span rows hold: nothing left behind by a recompute. */
function rollupsAgree(): void {
  const db = new Database(path, { readonly: true });
  try {
    const perSpan = db
      .prepare("SELECT count(*) AS n, total(cost_usd) AS usd FROM span_costs")
      .get() as { n: number; usd: number };
    const perHour = db
      .prepare(
        "SELECT total(spans) AS n, total(cost_usd) AS usd, count(*) FILTER (WHERE spans <= 0) AS empty FROM cost_hours",
      )
      .get() as { n: number; usd: number; empty: number };
    expect(perHour.n).toBe(perSpan.n);
    expect(perHour.usd).toBeCloseTo(perSpan.usd, 9);
    expect(perHour.empty).toBe(0);
  } finally {
    db.close();
  }
}

describe("cost rollups kept as spans arrive", () => {
  it("recomputes a trace whose spans come in several batches, as if they came at once", async () => {
    // First batch: only the agent span, which carries the trace's total and no LLM call yet.
    insertSpans(path, [
      span("t1", "root", undefined, T0 + 10, {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "support",
        "ratchet.cost.usd": 0.05,
      }),
    ]);
    expect(await spendBy("agent")).toEqual({ support: 0.05 });
    // The LLM calls arrive: they are the spend now, and the agent's total is not counted again.
    insertSpans(path, [
      span("t1", "c1", "root", T0 + 20, chatCosting(0.01)),
      span("t1", "c2", "root", T0 + 30, chatCosting(0.02)),
    ]);
    expect(await store.costs.pendingTraces()).toBe(1);
    expect(await spendBy("agent")).toEqual({ support: 0.03 });
    expect(await store.costs.pendingTraces()).toBe(0);
    rollupsAgree();
  });

  it("answers any window exactly, whole hours from the hour rollups and the ends span by span", async () => {
    // 300 one-call traces over three days at uneven times, each costing a whole number of cents.
    const calls: { start: number; usd: number }[] = [];
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 300; i++) {
      const start = T0 + Math.floor(next() * 72 * HOUR);
      calls.push({ start, usd: (1 + (i % 7)) / 100 });
    }
    insertSpans(
      path,
      calls.map((c, i) => span(`w${i}`, "c", undefined, c.start, chatCosting(c.usd))),
    );
    const expected = (from?: number, to?: number) => {
      const sum = calls
        .filter(
          (c) => (from === undefined || c.start >= from) && (to === undefined || c.start < to),
        )
        .reduce((s, c) => s + c.usd, 0);
      return Math.round(sum * 1e6) / 1e6;
    };
    const windows: [number | undefined, number | undefined][] = [
      [undefined, undefined],
      [T0 + 5 * HOUR, undefined],
      [undefined, T0 + 30 * HOUR + 17],
      [T0 + HOUR, T0 + 2 * HOUR],
      [T0 + HOUR + 1, T0 + HOUR + 2_000_000],
      [calls[0]?.start, (calls[0]?.start ?? 0) + 1],
    ];
    for (let i = 0; i < 60; i++) {
      const a = T0 - HOUR + Math.floor(next() * 74 * HOUR);
      const b = a + Math.floor(next() * 40 * HOUR);
      windows.push([a, b]);
    }
    for (const [from, to] of windows) {
      const got = await spendBy("purpose", {
        ...(from === undefined ? {} : { sinceMs: from }),
        ...(to === undefined ? {} : { untilMs: to }),
      });
      const want = expected(from, to);
      expect(got.production ?? 0, `window ${from}..${to}`).toBeCloseTo(want, 6);
    }
    const byDay = await spendBy("day");
    expect(byDay["2026-03-02"]).toBeCloseTo(expected(T0 + 24 * HOUR, T0 + 48 * HOUR), 6);
    rollupsAgree();
  });

  it("computes the traces of an upgraded store, in chunks that report progress", async () => {
    await store.close();
    rmSync(path, { force: true });
    // A store written by the version before the rollups (schema 18).
    const old = new Database(path);
    migrate(
      old,
      path,
      MIGRATIONS.filter((m) => m.version <= 18),
    );
    old.close();
    insertSpans(path, [
      span("u1", "c", undefined, T0, chatCosting(0.04)),
      span("u2", "c", undefined, T0 + HOUR, chatCosting(0.06)),
      span("u3", "c", undefined, T0 + 2 * HOUR, chatCosting(0.1)),
    ]);
    store = await openSqliteStore(path);
    expect(await store.costs.pendingTraces()).toBe(3);
    const seen: number[] = [];
    expect(await store.costs.refresh({ chunk: 1, onProgress: (p) => seen.push(p.left) })).toBe(3);
    expect(seen).toEqual([2, 1, 0]);
    expect(await spendBy("purpose")).toEqual({ production: 0.2 });
    rollupsAgree();
  });

  it("takes a span's purpose from its run, also when the run is stored after the span", async () => {
    // Only a writer with foreign keys off can store a span before its run (as bench/ui does).
    const db = new Database(path);
    db.pragma("foreign_keys = OFF");
    const row = encodeSpan(
      span("r1", "c", undefined, T0, chatCosting(0.07)),
      "eval",
      "run_late",
      "att_1",
    );
    db.prepare(
      `INSERT INTO spans (${SPAN_COLUMNS.join(", ")}) VALUES (${SPAN_COLUMNS.map(() => "?").join(", ")})`,
    ).run(SPAN_COLUMNS.map((c) => row[c]));
    db.close();
    expect(await spendBy("purpose")).toEqual({ evaluation: 0.07 });
    await store.createRun(sampleRun({ id: "run_late", purpose: "optimization" }));
    expect(await spendBy("purpose")).toEqual({ optimization: 0.07 });
    rollupsAgree();
  });

  it("lets the event loop run between chunks of a long refresh", async () => {
    insertSpans(
      path,
      [0, 1, 2].map((i) => span(`y${i}`, "c", undefined, T0 + i, chatCosting(0.01))),
    );
    const refreshing = store.costs.refresh({ chunk: 1 });
    // The first chunk ran before the refresh gave the loop back; the others wait their turn.
    expect(await store.costs.pendingTraces()).toBe(2);
    expect(await refreshing).toBe(3);
    expect(await store.costs.pendingTraces()).toBe(0);
  });
});
