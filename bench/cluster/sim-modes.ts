/**
 * `npx tsx bench/cluster/sim-modes.ts [--epochs 5] [--method hdbscan|dbscan|agglomerative] [--show]`:
 * do the sim's seeded failure modes land together, each in a cluster of its own? The bundled
 * example runs on `sim:support` with its baseline prompt; every failed attempt becomes a
 * failure (as `clusters build --run` does) and `buildClusters` clusters them.
 *
 * Ground truth comes from the sim's habits (`ratchet.sim.habits` on its chat spans), which
 * nothing in Ratchet reads, in two readings:
 * - fired: every habit that changed the answer. A habit often fires without causing anything
 *   a grader sees (padding an answer whose only failing grader checks a tool argument), and
 *   then no clustering could tell that failure from one where it did not fire.
 * - caused: the habits whose removal changes the failure. The example runs again once per
 *   habit with that habit disabled (its trigger made impossible, so every other habit's dice
 *   and the flake draw stay the same: they are keyed by (seed, case, epoch, habit)); a habit
 *   caused a failure when, without it, the same (case, epoch) passes, fails a different set
 *   of graders, or calls different tools (skipping a tool call can pre-empt calling the wrong
 *   one, which fails the same grader).
 * A failure with no habit (or two) in a reading is reported apart. For each habit: coverage =
 * share of its failures in the cluster holding most of them; purity = share of that cluster's
 * members with this habit. Target: ≥ 0.9 for both.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { buildClusters } from "../../src/cluster/index.js";
import { defaultConfig } from "../../src/config/index.js";
import { type Attempt, FAILING_STATUSES, RATCHET } from "../../src/core/index.js";
import { runEvaluation } from "../../src/eval/index.js";
import { attemptToFailure } from "../../src/mining/index.js";
import { supportProfile } from "../../src/providers/sim/profiles/support.js";
import { openStore, type Store } from "../../src/store/index.js";

const EXAMPLE = fileURLToPath(new URL("../../examples/support-agent", import.meta.url));
const flag = (name: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const EPOCHS = Number(flag("--epochs") ?? 5);
const METHOD = (flag("--method") ?? "embedding_similarity") as ReturnType<
  typeof defaultConfig
>["optimization"]["clustering"]["method"];
const SHOW = process.argv.includes("--show");
/** No case carries this tag, so a habit with it in `tags_any` never fires. */
const NEVER_TAG = "ratchet-bench-habit-disabled";

interface Failed {
  attempt: Attempt;
  fired: string[];
  graders: string[];
}

function habitsOf(attempt: Attempt): string[] {
  const found = new Set<string>();
  for (const span of attempt.spans) {
    const value = span.attributes[RATCHET.simHabits];
    if (Array.isArray(value)) for (const habit of value) found.add(String(habit));
  }
  return [...found].sort();
}

const failingGraders = (attempt: Attempt) =>
  attempt.scores
    .filter((s) => !s.passed)
    .map((s) => s.grader)
    .sort();
/** What a habit must change to have caused a failure: the failing graders or the tools called
 *  (one habit can pre-empt another that fails the same graders another way). */
const outcome = (attempt: Attempt) =>
  `${failingGraders(attempt).join(",")} | ${attempt.tool_calls.map((c) => c.name).join(",")}`;
const key = (attempt: Attempt) => `${attempt.case_id}#${attempt.epoch}`;

/**
 * Runs the example in a fresh copy, with `disabled` switched off in a shadowing copy of the
 * bundled profile, and hands its store and run to `use`.
 */
async function evaluate<T>(
  disabled: string | undefined,
  use: (store: Store, runId: string) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "ratchet-bench-simmodes-"));
  try {
    cpSync(EXAMPLE, dir, { recursive: true });
    const configPath = join(dir, "ratchet.yaml");
    let config = readFileSync(configPath, "utf8").replace("latency_ms: 5", "latency_ms: 0");
    if (disabled) {
      const profile = {
        ...supportProfile,
        habits: supportProfile.habits.map((habit) =>
          habit.id === disabled
            ? { ...habit, trigger: { ...habit.trigger, tags_any: [NEVER_TAG] } }
            : habit,
        ),
      };
      mkdirSync(join(dir, "profiles"));
      writeFileSync(join(dir, "profiles", "support.yaml"), stringify(profile));
      config = config.replace("latency_ms: 0", "latency_ms: 0\n    profiles_dir: ./profiles");
    }
    writeFileSync(configPath, config);
    const { run } = await runEvaluation({ cwd: dir, repeat: EPOCHS, onWarning: () => {} });
    const store = await openStore({ path: join(dir, ".ratchet", "ratchet.db") });
    try {
      return await use(store, run.id);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** (case, epoch) → outcome; absent when it passed. */
async function verdicts(disabled: string): Promise<Map<string, string>> {
  return evaluate(disabled, async (store, runId) => {
    const out = new Map<string, string>();
    for await (const attempt of store.iterateAttempts(runId, { statuses: FAILING_STATUSES }))
      out.set(key(attempt), outcome(attempt));
    return out;
  });
}

function labelOf(habits: string[]): string {
  return habits.length === 1 ? (habits[0] as string) : habits.length === 0 ? "(none)" : "(several)";
}

/** Prints the per-habit table for one reading of the truth; returns the weighted summary. */
function score(title: string, truth: Map<string, string>, clusterOf: Map<string, string>): void {
  const byHabit = new Map<string, string[]>();
  for (const [attemptId, habit] of truth) {
    const list = byHabit.get(habit) ?? [];
    list.push(attemptId);
    byHabit.set(habit, list);
  }
  const rows: string[][] = [];
  let weighted = 0;
  let weightedSingle = 0;
  let total = 0;
  for (const [habit, attempts] of [...byHabit.entries()].sort(
    (a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]),
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
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  console.log(`\n${title}`);
  for (const row of [header, ...rows])
    console.log(row.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  "));
  console.log(
    `failure-weighted min(coverage, purity) over single-habit failures: ${(weighted / Math.max(1, total)).toFixed(2)}; with purity among single-habit members: ${(weightedSingle / Math.max(1, total)).toFixed(2)} (target ≥ 0.9 for each habit)`,
  );
}

const started = performance.now();
const { failed, clusterOf, summary } = await evaluate(undefined, async (store, runId) => {
  const failed = new Map<string, Failed>();
  const failures = [];
  for await (const attempt of store.iterateAttempts(runId, { statuses: FAILING_STATUSES })) {
    const failure = attemptToFailure(attempt, {
      detector: "eval",
      signal_type: "eval_failure",
      severity: "medium",
      reason: `${attempt.severity} case failed`,
      context: { source: "eval" },
    });
    // One failure per attempt here (not one per case and graders), so every epoch counts.
    failures.push({ ...failure, trace_id: attempt.id, fingerprint: attempt.id });
    failed.set(attempt.id, { attempt, fired: habitsOf(attempt), graders: failingGraders(attempt) });
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
  const summary = `${failed.size} failed attempts, ${result.clusters.length} clusters, ${result.unclustered} unclustered`;
  return { failed, clusterOf, summary };
});
const clusteredIn = performance.now() - started;

const fired = new Map([...failed].map(([id, f]) => [id, labelOf(f.fired)]));
// One rerun per habit that fired in some failure.
const habits = [...new Set([...failed.values()].flatMap((f) => f.fired))].sort();
const without = new Map<string, Map<string, string>>();
for (const habit of habits) without.set(habit, await verdicts(habit));
const caused = new Map(
  [...failed].map(([id, f]) => {
    const causes = f.fired.filter(
      (habit) => without.get(habit)?.get(key(f.attempt)) !== outcome(f.attempt),
    );
    return [id, labelOf(causes)];
  }),
);

console.log(
  `sim:support, example suite × ${EPOCHS} epochs, method ${METHOD}: ${summary} (${(clusteredIn / 1000).toFixed(1)} s; ${habits.length} reruns with one habit disabled, ${((performance.now() - started - clusteredIn) / 1000).toFixed(1)} s)`,
);
score("Truth = habits that fired:", fired, clusterOf);
score(
  "Truth = habits that caused the failure (removing it changes the outcome):",
  caused,
  clusterOf,
);

if (SHOW) {
  // Each cluster's members by caused habit and failing graders: where a mode splits or mixes.
  const groups = new Map<string, Map<string, number>>();
  for (const [id, f] of failed) {
    const cluster = clusterOf.get(id) ?? "(unclustered)";
    const inner = groups.get(cluster) ?? new Map<string, number>();
    const row = `${caused.get(id)} [fired ${f.fired.join("+") || "-"}] ${f.graders.join(",")}`;
    inner.set(row, (inner.get(row) ?? 0) + 1);
    groups.set(cluster, inner);
  }
  for (const [cluster, rows] of [...groups].sort((a, b) => a[0].localeCompare(b[0]))) {
    console.log(`\n${cluster}`);
    for (const [row, n] of [...rows].sort((a, b) => b[1] - a[1])) console.log(`  ${n}× ${row}`);
  }
}
