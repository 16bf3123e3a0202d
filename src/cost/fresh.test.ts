import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { insertSpans } from "../mining/test-support/traces.js";
import { openSqliteStore, type Store } from "../store/index.js";
import { keepRollupsFresh } from "./index.js";

let dir: string;
let path: string;
let store: Store;

beforeEach(async () => {
  vi.useFakeTimers();
  dir = mkdtempSync(join(tmpdir(), "ratchet-fresh-"));
  path = join(dir, "r.db");
  store = await openSqliteStore(path);
});
afterEach(async () => {
  vi.useRealTimers();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const oneCallTrace = (i: number) => ({
  trace_id: `t${i}`,
  span_id: "c",
  name: "chat m",
  kind: "client" as const,
  start_ms: 1_780_000_000_000 + i,
  end_ms: 1_780_000_000_010 + i,
  attributes: { "gen_ai.operation.name": "chat", "ratchet.cost.usd": 0.01 },
  status: { code: "ok" as const },
  events: [],
});

it("works off spans another process stored, a chunk per turn of the event loop, until stopped", async () => {
  const fresh = keepRollupsFresh(store.costs, { intervalMs: 1000, chunk: 2 });
  // Written by another connection, as `ratchet serve` beside `ratchet ui` would.
  insertSpans(path, [0, 1, 2, 3, 4].map(oneCallTrace));
  expect(await store.costs.pendingTraces()).toBe(5);
  // One chunk per turn; full chunks follow each other without the pause.
  await vi.advanceTimersByTimeAsync(0);
  expect(await store.costs.pendingTraces()).toBe(3);
  // (A zero delay is a 1 ms timer, as in Node.)
  await vi.advanceTimersByTimeAsync(1);
  await vi.advanceTimersByTimeAsync(1);
  expect(await store.costs.pendingTraces()).toBe(0);
  insertSpans(path, [5].map(oneCallTrace));
  await vi.advanceTimersByTimeAsync(990);
  expect(await store.costs.pendingTraces()).toBe(1);
  await vi.advanceTimersByTimeAsync(10);
  expect(await store.costs.pendingTraces()).toBe(0);
  await fresh.stop();
  insertSpans(path, [6].map(oneCallTrace));
  await vi.advanceTimersByTimeAsync(10_000);
  expect(await store.costs.pendingTraces()).toBe(1);
});

it("pauses between steps of a backlog when asked, so that other work comes first", async () => {
  const fresh = keepRollupsFresh(store.costs, { intervalMs: 1000, chunk: 2, busyPauseMs: 50 });
  insertSpans(path, [0, 1, 2, 3, 4].map(oneCallTrace));
  await vi.advanceTimersByTimeAsync(0);
  expect(await store.costs.pendingTraces()).toBe(3);
  await vi.advanceTimersByTimeAsync(10);
  expect(await store.costs.pendingTraces()).toBe(3);
  await vi.advanceTimersByTimeAsync(40);
  expect(await store.costs.pendingTraces()).toBe(1);
  await vi.advanceTimersByTimeAsync(50);
  expect(await store.costs.pendingTraces()).toBe(0);
  await fresh.stop();
});
