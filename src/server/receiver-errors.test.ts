import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore, type Store, type TraceStore } from "../store/index.js";
import { createReceiverApp } from "./index.js";
import { createTurnQueue } from "./turns.js";

const TOKEN = "tok-0123456789";
const SECRET = "sk-proj-abcdefghijklmnopqrstuvwxyz012345";

describe("receiver on malformed requests", () => {
  let dir: string;
  let store: Store;
  const lines: string[] = [];
  let app: ReturnType<typeof createReceiverApp>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ratchet-recv-err-"));
    store = await openSqliteStore(join(dir, "r.db"));
    app = createReceiverApp({ traces: store.traces, token: TOKEN, log: (l) => lines.push(l) });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: string) =>
    app.request("/v1/traces", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body,
    });

  it("a malformed JSON body is not echoed into the answer or the log", async () => {
    lines.length = 0;
    const res = await post(`{"key":${SECRET}}`);
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain("malformed JSON");
    expect(text).not.toContain("sk-proj");
    expect(lines.join("\n")).not.toContain("sk-proj");
  });

  it("a null entry inside a kvlist attribute is skipped like a null attribute", async () => {
    const span = {
      traceId: "0102030405060708090a0b0c0d0e0f10",
      spanId: "0102030405060708",
      startTimeUnixNano: "1700000000000000000",
      attributes: [
        {
          key: "x",
          value: { kvlistValue: { values: [null, { key: "k", value: { stringValue: "v" } }] } },
        },
      ],
    };
    const res = await post(
      JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }),
    );
    expect(res.status).toBe(200);
    const stored = await store.traces.getTrace("0102030405060708090a0b0c0d0e0f10");
    expect(stored?.spans[0]?.attributes.x).toBe(JSON.stringify({ k: "v" }));
  });

  it("answers 503 with Retry-After past the concurrency cap, and serves again after", async () => {
    // The real store behind a gate: the first request holds the only slot while it stores.
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    let storing: () => void = () => undefined;
    const firstIsStoring = new Promise<void>((resolve) => {
      storing = resolve;
    });
    const gated: TraceStore = Object.create(store.traces);
    gated.insertSpans = async (spans, options) => {
      storing();
      await gate;
      return store.traces.insertSpans(spans, options);
    };
    const capped = createReceiverApp({ traces: gated, token: TOKEN, maxConcurrentRequests: 1 });
    const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
    const post = (traceId: string) =>
      capped.request("/v1/traces", {
        method: "POST",
        headers,
        body: JSON.stringify({
          resourceSpans: [
            {
              scopeSpans: [
                {
                  spans: [
                    { traceId, spanId: "1".repeat(16), startTimeUnixNano: "1700000000000000000" },
                  ],
                },
              ],
            },
          ],
        }),
      });
    const first = post("a1".repeat(16));
    await firstIsStoring;
    const busy = await post("b2".repeat(16));
    expect(busy.status).toBe(503);
    expect(busy.headers.get("retry-after")).toBe("1");
    expect(await busy.text()).toContain("busy");
    openGate();
    expect((await first).status).toBe(200);
    expect((await post("c3".repeat(16))).status).toBe(200);
  });
  it("answers 503 with Retry-After when a request's turn would come later than the bound", async () => {
    // The real queue, with a clock the test moves: one stored request teaches it the rate.
    let clock = 0;
    const turns = createTurnQueue(() => clock);
    const app2 = createReceiverApp({
      traces: store.traces,
      token: TOKEN,
      turns,
      maxQueueWaitMs: 100,
    });
    const learned = await turns.take(1_000);
    clock += 50; // 0.05 ms per byte
    learned();
    const held = await turns.take(10);
    const queued = turns.take(3_000); // 150 ms of work ahead of the next request
    const body = JSON.stringify({
      resourceSpans: [
        { scopeSpans: [{ spans: [{ traceId: "d4".repeat(16), spanId: "1".repeat(16) }] }] },
      ],
    });
    const res = await app2.request("/v1/traces", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body,
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(await res.text()).toMatch(
      /1 requests wait to be stored, about 150 ms of work \(limit 100 ms\)/,
    );
    expect(await store.traces.getTrace("d4".repeat(16))).toBeUndefined();
    held();
    (await queued)();
  });
});
