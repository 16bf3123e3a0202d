import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openAiServer } from "../graders/judge/test-openai-server.js";
import { openStore, type Store } from "../store/index.js";
import { describeClusters } from "./describe.js";

const dirs: string[] = [];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function storeWithCluster(): Promise<{ store: Store; clusterId: string }> {
  const dir = mkdtempSync(join(tmpdir(), "ratchet-describe-"));
  dirs.push(dir);
  const store = await openStore({ path: join(dir, "r.db") });
  closers.push(() => store.close());
  const at = "2026-12-01T00:00:00.000Z";
  const { failure } = await store.failures.record({
    trace_id: "t1",
    detector: "eval",
    signal_type: "eval_failure",
    severity: "high",
    weight: 1,
    base_score: 1,
    timestamp: at,
    input: "Where is order ORD-1004?",
    output: "Order 1004 is on its way.",
    tool_calls: [{ name: "lookup_order", arguments: '{"order_id":"1004"}' }],
    reason: 'tool-args-match: $.order_id: expected "ORD-1004", got "1004"',
    context: {},
    redacted_text: "",
    fingerprint: "f1",
  });
  const clusterId = "clu_test";
  await store.clusters.saveBuild(
    {
      id: "cbuild_1",
      created_at: at,
      method: "hdbscan",
      embedder: "test",
      params: {},
      failures: 1,
      clusters: 1,
      unclustered: 0,
    },
    [
      {
        id: clusterId,
        status: "open",
        label: "order · prefix",
        keywords: [{ term: "order id", weight: 1 }],
        description: "1 failure, mostly eval failure.",
        size: 1,
        first_seen: at,
        last_seen: at,
        stats: {
          severity: {},
          signal_types: {},
          tools: {},
          agents: {},
          detectors: {},
          graders: {},
          per_day: [],
          trend: "new",
        },
        representatives: [failure.id],
        created_at: at,
        updated_at: at,
        build_id: "cbuild_1",
      },
    ],
    [{ cluster_id: clusterId, failure_id: failure.id, similarity: 1 }],
    [failure.id],
  );
  return { store, clusterId };
}

describe("cluster descriptions written by a model", () => {
  it("stores the model's sentence, asked with the members' evidence", async () => {
    const { store, clusterId } = await storeWithCluster();
    const server = await openAiServer(
      () => "Order ids lose their ORD- prefix when passed to lookup_order.",
    );
    closers.push(server.close);
    const clusters = await store.clusters.list();
    const result = await describeClusters(store, clusters, server.model);
    expect(result).toEqual({ described: 1, kept: [] });
    expect(server.prompts[0]).toContain('expected "ORD-1004", got "1004"');
    expect((await store.clusters.get(clusterId))?.description).toBe(
      "Order ids lose their ORD- prefix when passed to lookup_order.",
    );
  });

  it("keeps the evidence description when the answer is not a description", async () => {
    const { store, clusterId } = await storeWithCluster();
    const server = await openAiServer(() => '{"verdict": "fail", "score": 0}');
    closers.push(server.close);
    const result = await describeClusters(store, await store.clusters.list(), server.model);
    expect(result.described).toBe(0);
    expect(result.kept).toEqual([{ id: clusterId, why: "a structured answer, not a description" }]);
    expect((await store.clusters.get(clusterId))?.description).toBe(
      "1 failure, mostly eval failure.",
    );
  });
});
