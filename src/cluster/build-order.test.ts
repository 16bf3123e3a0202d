import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { defaultConfig } from "../config/index.js";
import { createRng, FAILING_STATUSES } from "../core/index.js";
import { runEvaluation } from "../eval/index.js";
import { attemptToFailure } from "../mining/index.js";
import { type NewFailure, openStore } from "../store/index.js";
import { buildClusters } from "./build.js";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const EXAMPLE = fileURLToPath(new URL("../../examples/support-agent", import.meta.url));

/** The failed attempts of the bundled example on the sim, three epochs, as failures. */
async function exampleFailures(): Promise<NewFailure[]> {
  const dir = mkdtempSync(join(tmpdir(), "ratchet-build-order-eval-"));
  dirs.push(dir);
  cpSync(EXAMPLE, dir, { recursive: true });
  const configPath = join(dir, "ratchet.yaml");
  writeFileSync(
    configPath,
    readFileSync(configPath, "utf8").replace("latency_ms: 5", "latency_ms: 0"),
  );
  const { run } = await runEvaluation({ cwd: dir, repeat: 3, onWarning: () => {} });
  const store = await openStore({ path: join(dir, ".ratchet", "ratchet.db") });
  try {
    const out: NewFailure[] = [];
    for await (const attempt of store.iterateAttempts(run.id, { statuses: FAILING_STATUSES })) {
      out.push(
        attemptToFailure(attempt, {
          detector: "eval",
          signal_type: "eval_failure",
          severity: "medium",
          reason: `${attempt.severity} case failed`,
          context: { source: "eval" },
        }),
      );
    }
    return out;
  } finally {
    await store.close();
  }
}

async function partition(order: NewFailure[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "ratchet-build-order-"));
  dirs.push(dir);
  const store = await openStore({ path: join(dir, "r.db") });
  try {
    // One at a time, so that each store hands its failures ids in this order.
    for (const failure of order) await store.failures.recordMany([failure]);
    const result = await buildClusters(store, { config: defaultConfig() });
    const groups: string[] = [];
    for (const cluster of result.clusters) {
      const traces: string[] = [];
      for (const member of await store.clusters.members(cluster.id)) {
        const failure = await store.failures.get(member.failure_id);
        if (failure) traces.push(failure.fingerprint);
      }
      groups.push(traces.sort().join(","));
    }
    return groups.sort();
  } finally {
    await store.close();
  }
}

it("makes the same clusters from the same failures whatever order they were stored in", async () => {
  const forward = await exampleFailures();
  expect(forward.length).toBeGreaterThan(50);
  const shuffled = [...forward];
  const rng = createRng(5);
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j] as NewFailure, shuffled[i] as NewFailure];
  }
  const a = await partition(forward);
  expect(a.length).toBeGreaterThan(1);
  expect(await partition([...forward].reverse())).toEqual(a);
  expect(await partition(shuffled)).toEqual(a);
});
