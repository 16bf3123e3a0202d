/**
 * The loop under test: `ratchet improve --mode auto --preset repair-only`, one `runCycle` per
 * cycle in a project of its own, stopping like the CLI does when a cycle promotes nothing
 * (the seed is fixed, so the next cycle would repeat it). Per cycle: every agent call the
 * store recorded (evaluation, optimizer and gate), proposer calls and money; then the new
 * champion is measured.
 */
import { FAILURE_STATUSES } from "../../src/core/index.js";
import { type CycleRecord, runCycle, worthAnotherCycle } from "../../src/loop/index.js";
import { promptTokens } from "../../src/optimize/index.js";
import type { ProposalRecord } from "../../src/optimize/types.js";
import { resolvePromptRef } from "../../src/prompts/index.js";
import type { Store } from "../../src/store/index.js";
import { addSpend, newRunsSpend, noSpend, withProjectStore } from "./accounting.js";
import type { MethodResult, ProposalNote, Step } from "./method.js";
import { type BenchProfile, newProject } from "./project.js";
import { blockingRegressions, habitsOf, type Measurer, presentModes } from "./truth.js";

export interface LoopOptions {
  name: string;
  /** `--model` of `ratchet improve` (the reflective proposer); none = the rule proposer. */
  model?: string;
  cycles: number;
  /** Run every cycle even after one that promoted nothing (the CLI stops there). */
  allCycles?: boolean;
  seeded: readonly string[];
  measurer: Measurer;
  onProgress?: (message: string) => void;
}

/** Seeded modes that fired on at least two cases of the cycle's own champion evaluation. */
async function presentInOwnEval(
  store: Store,
  record: CycleRecord,
  seeded: readonly string[],
): Promise<string[]> {
  const cases = new Map<string, Set<string>>();
  for (const runId of record.evaluation?.runs ?? []) {
    for await (const attempt of store.iterateAttempts(runId)) {
      for (const habit of habitsOf(attempt)) {
        const set = cases.get(habit) ?? new Set<string>();
        set.add(attempt.case_id);
        cases.set(habit, set);
      }
    }
  }
  return seeded.filter((id) => (cases.get(id)?.size ?? 0) >= 2);
}

function outcomeOf(record: CycleRecord): string {
  if (record.status !== "finished") return `${record.status}: ${record.error ?? record.outcome}`;
  if (record.champion_after) return "promoted";
  if (record.gate) return `held (gate: ${record.gate.verdict})`;
  return record.outcome.startsWith("nothing to fix") ? "nothing to fix" : "held (no candidate)";
}

export async function runLoop(profile: BenchProfile, o: LoopOptions): Promise<MethodResult> {
  const dir = newProject(profile, o.name.replace(/\W+/g, "-"));
  const seen = new Set<string>();
  const steps: Step[] = [];
  const notes: ProposalNote[] = [];
  let total = noSpend();
  let stopped = `${o.cycles} cycles run`;
  for (let cycle = 1; cycle <= o.cycles; cycle++) {
    const record = await runCycle({
      cwd: dir,
      preset: "repair-only",
      mode: "auto",
      actor: "bench-loop",
      ...(o.model ? { model: o.model } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    });
    const read = await withProjectStore(dir, async (store) => {
      const spend = await newRunsSpend(store, seen);
      if (record.optimization) {
        spend.proposerCalls += record.optimization.proposer_calls;
        const proposals = await store.loop.proposals<ProposalRecord>(record.optimization.id);
        spend.usd += proposals.reduce((a, p) => a + p.cost_usd, 0);
        const labels = new Map(record.optimization.fixed.map((t) => [t.cluster, t.label]));
        for (const p of proposals) {
          notes.push({
            step: cycle,
            target: p.cluster_id ? (labels.get(p.cluster_id) ?? p.cluster_id) : "(merge)",
            operation: p.patch?.operation ?? "-",
            instruction: p.patch?.instruction ?? p.patch?.target ?? "",
            verdict: p.verdict,
            reason: p.reason,
          });
        }
      }
      const before = (await resolvePromptRef(store, record.champion_before)).content;
      const after = record.champion_after
        ? (await resolvePromptRef(store, record.champion_after)).content
        : before;
      const own = await presentInOwnEval(store, record, o.seeded);
      const failures = { recorded: 0, open: 0, duplicate: 0 };
      for await (const f of store.failures.iterate({
        type: "eval_failure",
        status: [...FAILURE_STATUSES],
      })) {
        failures.recorded++;
        if (f.status === "new" || f.status === "accepted") failures.open++;
        if (f.status === "duplicate") failures.duplicate++;
      }
      return { spend, before, after, own, failures };
    });
    total = addSpend(total, read.spend);
    const measured = await o.measurer.measure(read.after);
    const regressions = record.champion_after
      ? blockingRegressions(await o.measurer.measure(read.before), measured)
      : [];
    const targeted = (record.clusters ?? []).filter((c) => c.targeted).length;
    const evalRollouts = record.evaluation?.rollouts ?? 0;
    const optRollouts = record.optimization?.rollouts ?? 0;
    steps.push({
      index: cycle,
      outcome: outcomeOf(record),
      spend: read.spend,
      prompt: read.after,
      promptTokens: await promptTokens(read.after),
      present: presentModes(o.seeded, measured),
      presentOwnEval: read.own,
      regressions,
      mean: measured.mean,
      failures: read.failures,
      clusters: { built: record.clusters?.length ?? 0, targeted },
      rollouts: {
        evaluation: evalRollouts,
        optimization: optRollouts,
        gate: read.spend.rollouts - evalRollouts - optRollouts,
      },
      detail: `${read.failures.open} open failures (${read.failures.duplicate} duplicates of them set aside), ${record.clusters?.length ?? 0} clusters, ${targeted} targeted; rollouts eval ${evalRollouts} + optimize ${optRollouts} + gate ${read.spend.rollouts - evalRollouts - optRollouts}`,
    });
    if (record.status !== "finished") {
      stopped = `stopped after cycle ${cycle}: ${outcomeOf(record)}`;
      break;
    }
    if (!worthAnotherCycle(record) && !o.allCycles) {
      stopped = `stopped after cycle ${cycle}: ${outcomeOf(record)} (nothing left to fix; the CLI stops here too)`;
      break;
    }
  }
  return { name: o.name, steps, spend: total, stopped, proposals: notes };
}
