/**
 * `npx tsx bench/cluster/sim-modes.ts [--epochs 5] [--method hdbscan|dbscan|agglomerative]`: do the sim's seeded failure modes land
 * together, each in a cluster of its own? The bundled example runs on `sim:support` with its
 * baseline prompt; every failed attempt becomes a failure (as `clusters build --run` does) and
 * `buildClusters` clusters them. Ground truth is the habit the sim applied to the answer
 * (`ratchet.sim.habits` on its chat spans), which nothing in Ratchet reads. Failures with no
 * habit (or two) are reported apart. For each habit: coverage = share of its failures in the
 * cluster holding most of them; purity = share of that cluster's members with this habit.
 * Target: ≥ 0.9 for both.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildClusters } from "../../src/cluster/index.js";
import { defaultConfig } from "../../src/config/index.js";
import { type Attempt, FAILING_STATUSES, RATCHET } from "../../src/core/index.js";
import { runEvaluation } from "../../src/eval/index.js";
import { attemptToFailure } from "../../src/mining/index.js";
import { openStore } from "../../src/store/index.js";

const EXAMPLE = fileURLToPath(new URL("../../examples/support-agent", import.meta.url));
const epochsFlag = process.argv.indexOf("--epochs");
const EPOCHS = epochsFlag > 0 ? Number(process.argv[epochsFlag + 1]) : 5;
const methodFlag = process.argv.indexOf("--method");
const METHOD = (
  methodFlag > 0 ? process.argv[methodFlag + 1] : "embedding_similarity"
) as ReturnType<typeof defaultConfig>["optimization"]["clustering"]["method"];

function habitsOf(attempt: Attempt): string[] {
  const found = new Set<string>();
  for (const span of attempt.spans) {
    const value = span.attributes[RATCHET.simHabits];
    if (Array.isArray(value)) for (const habit of value) found.add(String(habit));
  }
  return [...found].sort();
}

const dir = mkdtempSync(join(tmpdir(), "ratchet-bench-simmodes-"));
try {
  cpSync(EXAMPLE, dir, { recursive: true });
  const configPath = join(dir, "ratchet.yaml");
  writeFileSync(
    configPath,
    readFileSync(configPath, "utf8").replace("latency_ms: 5", "latency_ms: 0"),
  );
  const started = performance.now();
  const { run } = await runEvaluation({ cwd: dir, repeat: EPOCHS, onWarning: () => {} });
  const store = await openStore({ path: join(dir, ".ratchet", "ratchet.db") });
  try {
    const truth = new Map<string, string>();
    const failures = [];
    for await (const attempt of store.iterateAttempts(run.id, { statuses: FAILING_STATUSES })) {
      const habits = habitsOf(attempt);
      const label =
        habits.length === 1 ? (habits[0] as string) : habits.length === 0 ? "(none)" : "(several)";
      const failure = attemptToFailure(attempt, {
        detector: "eval",
        signal_type: "eval_failure",
        severity: "medium",
        reason: `${attempt.severity} case failed`,
        context: { source: "eval" },
      });
      // One failure per attempt here (not one per case and graders), so every epoch counts.
      failures.push({ ...failure, trace_id: attempt.id, fingerprint: attempt.id });
      truth.set(attempt.id, label);
    }
    await store.failures.recordMany(failures);
    const config = defaultConfig();
    config.optimization.clustering.method = METHOD;
    const result = await buildClusters(store, { config });
    const clusterOf = new Map<string, string>();
    for (const cluster of result.clusters) {
      for (const member of await store.clusters.members(cluster.id)) {
        const failure = await store.failures.get(member.failure_id);
        if (failure) clusterOf.set(failure.trace_id, cluster.id);
      }
    }
    const byHabit = new Map<string, string[]>();
    for (const [attemptId, habit] of truth) {
      const list = byHabit.get(habit) ?? [];
      list.push(attemptId);
      byHabit.set(habit, list);
    }
    console.log(
      `sim:support, example suite × ${EPOCHS} epochs: ${truth.size} failed attempts, ${result.clusters.length} clusters, ${result.unclustered} unclustered (${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );
    const rows: string[][] = [];
    let weighted = 0;
    let weightedSingle = 0;
    let total = 0;
    for (const [habit, attempts] of [...byHabit.entries()].sort(
      (a, b) => b[1].length - a[1].length,
    )) {
      const counts = new Map<string, number>();
      for (const id of attempts) {
        const cluster = clusterOf.get(id) ?? "(unclustered)";
        counts.set(cluster, (counts.get(cluster) ?? 0) + 1);
      }
      const [best, inBest] = [...counts.entries()]
        .filter(([cluster]) => cluster !== "(unclustered)")
        .sort((a, b) => b[1] - a[1])[0] ?? ["(unclustered)", 0];
      const members = [...clusterOf.entries()].filter(([, c]) => c === best).map(([id]) => id);
      const same = members.filter((id) => truth.get(id) === habit).length;
      const coverage = inBest / attempts.length;
      const purity = members.length > 0 ? same / members.length : 0;
      // Failures of several habits at once belong to each of them; purity among the
      // single-habit members only leaves them out of the denominator.
      const single = members.filter((id) => !(truth.get(id) ?? "(").startsWith("("));
      const purityAmongSingle = single.length > 0 ? same / single.length : 0;
      if (!habit.startsWith("(")) {
        weighted += attempts.length * Math.min(coverage, purity);
        weightedSingle += attempts.length * Math.min(coverage, purityAmongSingle);
        total += attempts.length;
      }
      rows.push([
        habit,
        String(attempts.length),
        best.slice(0, 16),
        coverage.toFixed(2),
        purity.toFixed(2),
        habit.startsWith("(") ? "-" : purityAmongSingle.toFixed(2),
      ]);
    }
    const header = [
      "habit",
      "failures",
      "its cluster",
      "coverage",
      "purity",
      "purity (single-habit)",
    ];
    const widths = header.map((h, i) =>
      Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)),
    );
    for (const row of [header, ...rows])
      console.log(row.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  "));
    console.log(
      `\nfailure-weighted min(coverage, purity) over single-habit failures: ${(weighted / Math.max(1, total)).toFixed(2)}; with purity among single-habit members: ${(weightedSingle / Math.max(1, total)).toFixed(2)} (target ≥ 0.9 for each habit)`,
    );
  } finally {
    await store.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
