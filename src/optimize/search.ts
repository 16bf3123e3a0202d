/**
 * The search for one target cluster: rounds of propose → guard → target stage → training
 * stage → validation stage, parents drawn from the Pareto frontier over training cases, stopping
 * early when the target's failing cases are fixed or nothing improves for `patience` rounds.
 */
import { rngFor } from "../core/index.js";
import { addPrompt } from "../prompts/index.js";
import { BudgetExhausted, type BudgetTracker } from "./budget.js";
import {
  type CaseOutcome,
  type EvaluatorContext,
  evaluateVersion,
  failureEvidence,
  passesMajority,
} from "./evaluate.js";
import { copiedFrom, promptTokens } from "./guards.js";
import { applyPatch, normalizeInstruction } from "./instructions.js";
import { paretoFrontier, pickParent } from "./pareto.js";
import type { Proposer } from "./proposers.js";
import { compareStage, stageRejection } from "./stages.js";
import type { Patch, ProposalRecord, SplitScore } from "./types.js";

export interface Candidate {
  /** `name@hash`. */
  version: string;
  hash: string;
  prompt: string;
  /** Patches from the base, in order (what a merge re-applies). */
  patches: Patch[];
  tokens: number;
}

export interface SearchSettings {
  promptName: string;
  epochs: number;
  seed: number;
  maxRounds: number;
  patience: number;
  fixShare: number;
  tolerance: number;
  maxPromptTokens: number;
  validationScenarios: "failing_only" | "cluster" | "all";
  /** Failing cases a round shows the proposer and checks first, at most. */
  minibatch: number;
  actor: string;
}

/** Up to `size` ids, drawn without replacement by a seeded shuffle; all of them when fewer. */
export function minibatch(
  ids: readonly string[],
  size: number,
  seed: number,
  round: number,
): string[] {
  if (ids.length <= size) return [...ids];
  const rng = rngFor(seed, "minibatch", round);
  const pool = [...ids];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [pool[i], pool[j]] = [pool[j] as string, pool[i] as string];
  }
  return pool.slice(0, size).sort();
}

export interface SearchTarget {
  clusterId: string;
  label: string;
  /** Cases of the cluster in the training split (failing for the base or not). */
  clusterTrain: string[];
  trainFailing: string[];
}

export interface SearchState {
  context: EvaluatorContext;
  budget: BudgetTracker;
  settings: SearchSettings;
  train: string[];
  validation: string[];
  severityOf: (caseId: string) => string;
  /** Training cases' inputs and expected outputs, for the copy guard. */
  copySources: Array<{ caseId: string; texts: string[] }>;
  /** version → case → outcome; filled lazily, shared across targets. */
  scores: Map<string, Map<string, CaseOutcome>>;
  /** version → runs its attempts came from (for evidence). */
  runs: Map<string, Set<string>>;
  record: (
    proposal: Omit<ProposalRecord, "id" | "optimization_id" | "seq" | "created_at">,
  ) => Promise<void>;
  onProgress?: (message: string) => void;
}

export interface SearchResult {
  best?: Candidate & { fixed: number; stages: ProposalRecord["stages"] };
  rounds: number;
  stoppedBy?: string;
}

/** Scores of `version` on `cases`, running only what is neither in memory nor in the store. */
export async function scoresOn(
  state: SearchState,
  version: string,
  cases: readonly string[],
  step: string,
): Promise<{ scores: Map<string, CaseOutcome>; rollouts: number }> {
  const have = state.scores.get(version) ?? new Map<string, CaseOutcome>();
  state.scores.set(version, have);
  const missing = cases.filter((id) => !have.has(id));
  if (missing.length === 0) return { scores: have, rollouts: 0 };
  state.budget.ensure(missing.length * state.settings.epochs, 0, step);
  const evaluation = await evaluateVersion(state.context, version, missing);
  state.budget.add(evaluation.rollouts, 0, evaluation.usd);
  const runs = state.runs.get(version) ?? new Set<string>();
  for (const run of evaluation.runs) runs.add(run);
  state.runs.set(version, runs);
  if (evaluation.stopped) throw new BudgetExhausted(`${step} was stopped`);
  for (const [id, outcome] of evaluation.byCase) have.set(id, outcome);
  return { scores: have, rollouts: evaluation.rollouts };
}

export async function searchTarget(
  state: SearchState,
  base: Candidate,
  target: SearchTarget,
  proposer: Proposer,
): Promise<SearchResult> {
  const { settings } = state;
  const pool: Candidate[] = [base];
  const tried = new Set<string>();
  const texts = new Set([base.prompt]);
  let best: SearchResult["best"];
  let sinceImprovement = 0;
  let rounds = 0;
  for (let round = 1; round <= settings.maxRounds; round++) {
    rounds = round;
    const frontier = paretoFrontier(
      pool.map((c) => ({
        version: c.version,
        scores: meanScores(state.scores.get(c.version), state.train),
      })),
    );
    const parentVersion = pickParent(frontier, settings.seed, round);
    const parent = pool.find((c) => c.version === parentVersion) ?? base;
    // The parent's outcome on the target's failing cases (reused: the base's come from the run).
    const parentTarget = await scoresOn(
      state,
      parent.version,
      target.trainFailing,
      "the parent's targeted scores",
    );
    const allFailing = target.trainFailing.filter(
      (id) => !passesMajority(parentTarget.scores.get(id)),
    );
    // A minibatch (seeded per round) keeps a large cluster's rounds cheap.
    const stillFailing = minibatch(allFailing, settings.minibatch, settings.seed, round);
    if (stillFailing.length === 0)
      return {
        ...(best ? { best } : {}),
        rounds,
        stoppedBy: "the target's failing cases are fixed",
      };
    const evidence = await failureEvidence(
      state.context.store,
      [...(state.runs.get(parent.version) ?? [])],
      state.context.cases,
      new Set(stillFailing),
      state.context.variant,
    );
    state.budget.ensure(
      stillFailing.length * settings.epochs,
      proposer.kind === "reflective" ? 1 : 0,
      "a proposal and its targeted check",
    );
    const proposal = await proposer.propose({
      prompt: parent.prompt,
      target: target.label,
      evidence,
      tried,
      round,
    });
    state.budget.add(0, proposal.calls, proposal.usd);
    const common = {
      cluster_id: target.clusterId,
      proposer: proposer.kind,
      parent_version: parent.version,
      evidence_cases: evidence.map((e) => e.caseId),
      stages: {},
      rollouts: 0,
      cost_usd: proposal.usd,
    };
    if (!proposal.patch) {
      await state.record({
        ...common,
        ...(proposal.raw ? { raw: proposal.raw } : {}),
        verdict: "invalid",
        reason: proposal.error ?? "no patch",
      });
      if (proposer.kind === "rule")
        return { ...(best ? { best } : {}), rounds, stoppedBy: proposal.error ?? "no proposal" };
      if (++sinceImprovement >= settings.patience) break;
      continue;
    }
    const patch = proposal.patch;
    if (patch.instruction) tried.add(normalizeInstruction(patch.instruction));
    let prompt: string;
    try {
      prompt = applyPatch(parent.prompt, patch);
    } catch (e) {
      await state.record({ ...common, patch, verdict: "invalid", reason: (e as Error).message });
      continue;
    }
    if (texts.has(prompt)) {
      await state.record({
        ...common,
        patch,
        verdict: "duplicate",
        reason: "the patched prompt was already tried",
      });
      continue;
    }
    texts.add(prompt);
    const tokens = await promptTokens(prompt);
    if (tokens > settings.maxPromptTokens) {
      await state.record({
        ...common,
        patch,
        prompt_tokens: tokens,
        verdict: "over_budget",
        reason: `the patched prompt has ${tokens} tokens, over patching.max_prompt_length ${settings.maxPromptTokens}`,
      });
      if (++sinceImprovement >= settings.patience) break;
      continue;
    }
    const copied = patch.instruction ? copiedFrom(patch.instruction, state.copySources) : undefined;
    if (copied) {
      await state.record({
        ...common,
        patch,
        prompt_tokens: tokens,
        verdict: "overfit",
        reason: `the instruction copies training data: ${copied}`,
      });
      if (++sinceImprovement >= settings.patience) break;
      continue;
    }
    const added = await addPrompt(state.context.store, {
      name: settings.promptName,
      content: prompt,
      parents: [parent.hash],
      author: settings.actor,
      author_kind: "optimizer",
      rationale: patch.rationale || `${patch.operation} an instruction for ${target.label}`,
      target_cluster: target.clusterId,
    });
    const candidate: Candidate = {
      version: `${settings.promptName}@${added.version.hash}`,
      hash: added.version.hash,
      prompt,
      patches: [...parent.patches, patch],
      tokens,
    };
    const stages: ProposalRecord["stages"] = {};
    let rollouts = 0;
    const outcome = await validate(
      state,
      parent,
      candidate,
      target,
      stillFailing,
      stages,
      (n) => {
        rollouts += n;
      },
      proposal.claims,
    ).catch(async (e: unknown) => {
      if (e instanceof BudgetExhausted) {
        await state.record({
          ...common,
          patch,
          candidate_version: candidate.version,
          prompt_tokens: tokens,
          stages,
          rollouts,
          verdict: "stopped",
          reason: e.message,
        });
      }
      throw e;
    });
    await state.record({
      ...common,
      patch,
      candidate_version: candidate.version,
      prompt_tokens: tokens,
      stages,
      rollouts,
      verdict: outcome.rejected ? "rejected" : "accepted",
      reason: outcome.rejected ?? outcome.summary,
    });
    state.onProgress?.(
      `round ${round}: ${patch.operation} "${(patch.instruction ?? patch.target ?? "").slice(0, 70)}" → ${outcome.rejected ? `rejected (${outcome.rejected})` : "accepted"}`,
    );
    if (outcome.rejected) {
      if (++sinceImprovement >= settings.patience) break;
      continue;
    }
    pool.push(candidate);
    const fixed = target.trainFailing.filter((id) =>
      passesMajority(state.scores.get(candidate.version)?.get(id)),
    ).length;
    const better =
      !best ||
      fixed > best.fixed ||
      (fixed === best.fixed && overallMean(stages) > overallMean(best.stages));
    if (better) {
      best = { ...candidate, fixed, stages };
      sinceImprovement = 0;
    } else if (++sinceImprovement >= settings.patience) break;
    if (fixed === target.trainFailing.length)
      return {
        best: best ?? { ...candidate, fixed, stages },
        rounds,
        stoppedBy: "the target's failing cases are fixed",
      };
  }
  return {
    ...(best ? { best } : {}),
    rounds,
    stoppedBy:
      sinceImprovement >= settings.patience
        ? `no improvement in ${settings.patience} rounds`
        : `the round limit (${settings.maxRounds})`,
  };
}

function overallMean(stages: ProposalRecord["stages"]): number {
  const parts = [stages.train, stages.validation].filter((s): s is SplitScore => s !== undefined);
  const n = parts.reduce((a, s) => a + s.cases, 0);
  return n === 0 ? 0 : parts.reduce((a, s) => a + s.mean * s.cases, 0) / n;
}

function meanScores(
  scores: Map<string, CaseOutcome> | undefined,
  cases: readonly string[],
): Map<string, number> {
  const out = new Map<string, number>();
  for (const id of cases) {
    const o = scores?.get(id);
    if (o) out.set(id, o.mean);
  }
  return out;
}

/** Stages 1–3; returns why the candidate is rejected, or a summary of its evidence. */
export async function validate(
  state: SearchState,
  parent: Candidate,
  candidate: Candidate,
  target: SearchTarget,
  failing: readonly string[],
  stages: ProposalRecord["stages"],
  count: (rollouts: number) => void,
  claims?: readonly string[],
): Promise<{ rejected?: string; summary: string }> {
  const { settings } = state;
  const stageOne =
    settings.validationScenarios === "failing_only"
      ? [...failing]
      : settings.validationScenarios === "cluster"
        ? [...new Set([...failing, ...target.clusterTrain])]
        : state.train;
  const one = await scoresOn(state, candidate.version, stageOne, "the targeted check");
  count(one.rollouts);
  const parentOne = await scoresOn(state, parent.version, stageOne, "the parent's targeted scores");
  count(parentOne.rollouts);
  stages.target = compareStage(stageOne, parentOne.scores, one.scores, state.severityOf);
  // A case often fails for several reasons, and a minimal patch is meant for some of the cases:
  // it is judged on the failing checks it fixes among the cases it claims (all, by default).
  const claimed = claims?.filter((id) => stageOne.includes(id)) ?? [];
  const checks = (claimed.length > 0
    ? compareStage(claimed, parentOne.scores, one.scores, state.severityOf).checks
    : stages.target.checks) ?? { failing: 0, fixed: 0 };
  const fixedShare = checks.failing > 0 ? checks.fixed / checks.failing : 0;
  if (fixedShare < settings.fixShare || (stages.target.delta ?? 0) <= 0) {
    return {
      rejected: `target: fixed ${checks.fixed} of ${checks.failing} failing check(s)${claimed.length > 0 ? ` on the ${claimed.length} case(s) it is meant for` : ""} (needs ${Math.round(settings.fixShare * 100)}%) and ${stages.target.fixed ?? 0} of ${failing.length} case(s), Δ ${((stages.target.delta ?? 0) * 100).toFixed(1)} pts (needs > 0)`,
      summary: "",
    };
  }
  const early = stageRejection(stages.target, settings.tolerance, "target");
  if (early) return { rejected: early, summary: "" };
  for (const [name, cases] of [
    ["train", state.train],
    ["validation", state.validation],
  ] as const) {
    if (cases.length === 0) continue;
    const mine = await scoresOn(state, candidate.version, cases, `the ${name} split`);
    count(mine.rollouts);
    const theirs = await scoresOn(state, parent.version, cases, `the parent's ${name} scores`);
    count(theirs.rollouts);
    const stage = compareStage(cases, theirs.scores, mine.scores, state.severityOf);
    stages[name] = stage;
    const why = stageRejection(stage, settings.tolerance, name);
    if (why) return { rejected: why, summary: "" };
  }
  const pts = (x: number | undefined) => `${((x ?? 0) * 100).toFixed(1)} pts`;
  return {
    summary: `fixed ${checks.fixed}/${checks.failing} failing check(s), ${stages.target.fixed}/${failing.length} target case(s); train Δ ${pts(stages.train?.delta)}${stages.validation ? `, validation Δ ${pts(stages.validation.delta)}` : ""}; no blocking regression`,
  };
}
