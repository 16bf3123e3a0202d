import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import type { Span } from "../core/index.js";
import { insertSpans } from "../mining/test-support/traces.js";
import { openSqliteStore, type Store } from "../store/index.js";
import { catchUpCostRollups } from "./cost-rollups.js";
import type { Output } from "./output.js";

let dir: string;
let path: string;
let store: Store;
let said: string[];
const output: Output = {
  out: (text) => said.push(`out: ${text}`),
  err: (text) => said.push(`err: ${text}`),
  isTTY: false,
  color: false,
};

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-catch-up-"));
  path = join(dir, "r.db");
  store = await openSqliteStore(path);
  said = [];
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const calls = (from: number, count: number): Span[] =>
  Array.from({ length: count }, (_, i) => ({
    trace_id: `t${from + i}`,
    span_id: "c",
    name: "chat m",
    kind: "client",
    start_ms: 1_780_000_000_000 + i,
    end_ms: 1_780_000_000_010 + i,
    attributes: { "gen_ai.operation.name": "chat", "ratchet.cost.usd": 0.001 },
    status: { code: "ok" },
    events: [],
  }));

it("works off a small backlog without a word", async () => {
  insertSpans(path, calls(0, 3));
  await catchUpCostRollups(store, output);
  expect(said).toEqual([]);
  expect(await store.costs.pendingTraces()).toBe(0);
});

it("says so on stderr when a large backlog waits (an upgraded store), then reports it done", async () => {
  insertSpans(path, calls(0, 10_000));
  await catchUpCostRollups(store, output);
  expect(said).toHaveLength(2);
  expect(said[0]).toMatch(/^err: ratchet: computing cost rollups for 10,000 traces/);
  expect(said[1]).toMatch(/^err: ratchet: cost rollups ready: 10,000 traces in \d+\.\d s$/);
  expect(await store.costs.pendingTraces()).toBe(0);
  const [group] = await store.costs.costGroups({ by: ["purpose"] });
  expect(group?.cost_usd).toBeCloseTo(10, 9);
});
