/**
 * Runs one prompt version on a set of cases through the gate's side runner, so that every
 * evaluation is cached: an attempt stored earlier for the same config, version, seed, case
 * content and epoch is reused, by the optimizer and by the gate alike.
 */
import type { Attempt, Case } from "../core/index.js";
import { runSide, type SideRequest } from "../gate/index.js";
import type { Store } from "../store/index.js";
import type { FailureEvidence } from "./types.js";

/** One case's outcome over its epochs. */
export interface CaseOutcome {
  epochs: number;
  passes: number;
  /** Mean overall score over the epochs (an error scores 0). */
  mean: number;
  /** Failing checks (`type` or `type:name`, `error` for an errored attempt) → epochs they failed in. */
  failedChecks: Record<string, number>;
}

export const checkKey = (type: string, name?: string): string => (name ? `${type}:${name}` : type);

export interface Evaluation {
  byCase: Map<string, CaseOutcome>;
  /** Attempts that ran now (reused ones are free). */
  rollouts: number;
  usd: number;
  runs: string[];
  stopped: boolean;
}

export interface EvaluatorContext {
  store: Store;
  cwd: string;
  configPath?: string;
  configHash: string;
  seed: number;
  epochs: number;
  /** The variant name attempts are stored under (the agent's model spec). */
  variant: string;
  cases: ReadonlyMap<string, Case & { hash: string }>;
  stopSignal?: AbortSignal;
  concurrency?: number;
  /** What the runs' spend is for (default `optimization`). */
  purpose?: "evaluation" | "optimization";
  onProgress?: (message: string) => void;
}

export const passesMajority = (o: CaseOutcome | undefined): boolean =>
  o !== undefined && o.passes * 2 > o.epochs;
export const passesEvery = (o: CaseOutcome | undefined): boolean =>
  o !== undefined && o.epochs > 0 && o.passes === o.epochs;
export const failsEvery = (o: CaseOutcome | undefined): boolean =>
  o !== undefined && o.epochs > 0 && o.passes === 0;

export async function evaluateVersion(
  context: EvaluatorContext,
  version: string,
  caseIds: readonly string[],
): Promise<Evaluation> {
  const hashes = new Map<string, string>();
  for (const id of caseIds) {
    const c = context.cases.get(id);
    if (c) hashes.set(id, c.hash);
  }
  if (hashes.size === 0)
    return { byCase: new Map(), rollouts: 0, usd: 0, runs: [], stopped: false };
  const request: SideRequest = {
    cwd: context.cwd,
    ...(context.configPath ? { configPath: context.configPath } : {}),
    configHash: context.configHash,
    seed: context.seed,
    cases: hashes,
    epochsWanted: new Map([...hashes.keys()].map((id) => [id, context.epochs])),
    reuse: true,
    purpose: context.purpose ?? "optimization",
    ...(context.concurrency ? { concurrency: context.concurrency } : {}),
    ...(context.stopSignal ? { stopSignal: context.stopSignal } : {}),
  };
  const side = await runSide(
    context.store,
    "challenger",
    { version, variant: context.variant },
    request,
  );
  const byCase = new Map<string, CaseOutcome>();
  for (const [key, observation] of side.attempts.byKey) {
    const [caseId = "", epochText = "0"] = key.split("\u0000");
    if (!hashes.has(caseId) || Number(epochText) >= context.epochs) continue;
    const o = byCase.get(caseId) ?? { epochs: 0, passes: 0, mean: 0, failedChecks: {} };
    o.mean = (o.mean * o.epochs + observation.overall) / (o.epochs + 1);
    o.epochs++;
    if (observation.passed) o.passes++;
    byCase.set(caseId, o);
  }
  // The checks that failed, read back from the attempts (the side keeps only the numbers).
  for (const runId of side.runs) {
    for await (const attempt of context.store.iterateAttempts(runId, {
      variant: context.variant,
      statuses: ["failed", "error"],
    })) {
      const o = byCase.get(attempt.case_id);
      if (!o || attempt.epoch >= context.epochs) continue;
      if (attempt.status === "error") o.failedChecks.error = (o.failedChecks.error ?? 0) + 1;
      for (const score of attempt.scores) {
        if (score.passed) continue;
        const name = typeof score.details?.name === "string" ? score.details.name : undefined;
        const key = checkKey(score.grader, name);
        o.failedChecks[key] = (o.failedChecks[key] ?? 0) + 1;
      }
    }
  }
  let usd = 0;
  if (side.newRun) usd = (await context.store.getRun(side.newRun))?.totals?.cost_usd ?? 0;
  return { byCase, rollouts: side.ran, usd, runs: side.runs, stopped: side.stopped };
}

/** Cases whose every wanted epoch of `version` is already stored (reusable, free). */
export function storedCases(
  context: EvaluatorContext,
  version: string,
  caseIds: readonly string[],
): Set<string> {
  const epochs = new Map<string, Set<number>>();
  for (const row of context.store.gate.reusableAttempts({
    configHash: context.configHash,
    promptVersion: version,
    seed: context.seed,
    variants: [context.variant],
    epochs: context.epochs,
  })) {
    if (context.cases.get(row.case_id)?.hash !== row.case_hash) continue;
    const set = epochs.get(row.case_id) ?? new Set<number>();
    set.add(row.epoch);
    epochs.set(row.case_id, set);
  }
  return new Set(caseIds.filter((id) => (epochs.get(id)?.size ?? 0) >= context.epochs));
}

const text = (value: unknown): string =>
  typeof value === "string" ? value : JSON.stringify(value);

/** The failing attempts of these cases in these runs, as a proposer sees them (one per case). */
export async function failureEvidence(
  store: Store,
  runs: readonly string[],
  cases: ReadonlyMap<string, Case>,
  wanted: ReadonlySet<string>,
  variant: string,
): Promise<FailureEvidence[]> {
  const found = new Map<string, FailureEvidence>();
  for (const runId of runs) {
    for await (const attempt of store.iterateAttempts(runId, {
      variant,
      statuses: ["failed", "error"],
    })) {
      if (!wanted.has(attempt.case_id) || found.has(attempt.case_id)) continue;
      const c = cases.get(attempt.case_id);
      if (c) found.set(attempt.case_id, evidenceOf(attempt, c));
    }
  }
  return [...wanted]
    .map((id) => found.get(id))
    .filter((e): e is FailureEvidence => e !== undefined);
}

export function evidenceOf(attempt: Attempt, c: Case): FailureEvidence {
  const input =
    typeof c.input === "string"
      ? c.input
      : c.input
          .filter((m) => m.role === "user")
          .map((m) => text(m.content))
          .join("\n");
  const failed = attempt.scores
    .filter((s) => !s.passed)
    .map((s) => ({
      type: s.grader,
      ...(typeof s.details?.name === "string" ? { name: s.details.name } : {}),
      dimension: s.dimension,
      reason: s.reason,
    }));
  if (attempt.error) {
    failed.push({
      type: "error",
      dimension: "accuracy",
      reason: `${attempt.error.class}: ${attempt.error.message}`,
    });
  }
  const expectedOutput =
    c.expected?.output ??
    (c.expected?.json !== undefined ? JSON.stringify(c.expected.json) : undefined);
  return {
    caseId: c.id,
    input,
    output: attempt.output,
    toolCalls: attempt.tool_calls.map((call) => ({ name: call.name, arguments: call.arguments })),
    ...(c.expected?.tool_calls ? { expectedToolCalls: c.expected.tool_calls } : {}),
    ...(expectedOutput !== undefined ? { expectedOutput } : {}),
    severity: c.severity,
    failed,
  };
}
