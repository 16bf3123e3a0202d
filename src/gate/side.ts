import type { Run } from "../core/index.js";
import { runEvaluation } from "../eval/index.js";
import type { RunEvent } from "../runner/index.js";
import { attemptKey, type Store } from "../store/index.js";
import { addAttempt, emptySide, pairKey, type SideAttempts } from "./observe.js";

/** One version of the prompt, as the gate runs it. */
export interface SideSpec {
  /** `name@hash`, what runs record as their prompt version. */
  version: string;
  /** The variant name its attempts are stored under (the model spec of a prompt agent). */
  variant: string;
}

export interface SideRequest {
  cwd: string;
  configPath?: string;
  configHash: string;
  seed: number;
  /** The selected cases and their content hashes. */
  cases: ReadonlyMap<string, string>;
  /** Epochs each case must have after this call (cases absent from the map: none). */
  epochsWanted: ReadonlyMap<string, number>;
  reuse: boolean;
  /** What the runs' spend is for (default `evaluation`). */
  purpose?: "evaluation" | "optimization";
  /** Suite globs in place of `evaluation.suites` (a change type's subset). */
  suites?: string[];
  concurrency?: number;
  stopSignal?: AbortSignal;
  killSignal?: AbortSignal;
  onEvent?: (side: "champion" | "challenger", event: RunEvent) => void;
  onWarning?: (warning: string) => void;
  onRunStart?: (side: "champion" | "challenger", run: Run, totalAttempts: number) => void;
}

export interface SideOutcome {
  attempts: SideAttempts;
  /** Runs the attempts came from: the new one (if anything had to run) and reused ones. */
  runs: string[];
  newRun?: string;
  reused: number;
  ran: number;
  stopped: boolean;
}

/**
 * Bring one side up to the wanted epochs per case: attempts stored earlier for the same
 * config, prompt version, seed, case content and epoch are reused; the rest run now, in one
 * run that records the prompt version. Then every attempt the side needs is read back.
 */
export async function runSide(
  store: Store,
  role: "champion" | "challenger",
  spec: SideSpec,
  request: SideRequest,
  previous?: SideAttempts,
): Promise<SideOutcome> {
  const maxEpochs = Math.max(0, ...request.epochsWanted.values());
  const have = new Set<string>();
  // Where each reusable (case, epoch) comes from: run id → attempt ids.
  const donors = new Map<string, Set<string>>();
  let reused = 0;
  if (previous) {
    for (const key of previous.byKey.keys()) have.add(key);
  }
  if (request.reuse) {
    for (const row of store.gate.reusableAttempts({
      configHash: request.configHash,
      promptVersion: spec.version,
      seed: request.seed,
      variants: [spec.variant],
      epochs: maxEpochs,
    })) {
      const wanted = request.epochsWanted.get(row.case_id) ?? 0;
      if (row.epoch >= wanted || request.cases.get(row.case_id) !== row.case_hash) continue;
      const key = pairKey(row.case_id, row.epoch);
      if (have.has(key)) continue;
      have.add(key);
      let ids = donors.get(row.run_id);
      if (!ids) {
        ids = new Set();
        donors.set(row.run_id, ids);
      }
      ids.add(row.id);
      reused++;
    }
  }

  // Cases with an epoch still missing run now; the epochs they have (or do not want) are skipped.
  const toRun: string[] = [];
  let repeat = 0;
  for (const [caseId, wanted] of request.epochsWanted) {
    let missing = false;
    for (let epoch = 0; epoch < wanted; epoch++)
      if (!have.has(pairKey(caseId, epoch))) missing = true;
    if (!missing) continue;
    toRun.push(caseId);
    repeat = Math.max(repeat, wanted);
  }
  const skip = new Set<string>();
  for (const caseId of toRun) {
    const wanted = request.epochsWanted.get(caseId) ?? 0;
    for (let epoch = 0; epoch < repeat; epoch++) {
      if (epoch >= wanted || have.has(pairKey(caseId, epoch))) {
        skip.add(attemptKey(spec.variant, caseId, epoch));
      }
    }
  }

  const attempts = previous ?? emptySide();
  const runs = new Set<string>();
  let newRun: string | undefined;
  let ran = 0;
  let stopped = false;
  if (toRun.length > 0) {
    const result = await runEvaluation({
      cwd: request.cwd,
      ...(request.configPath ? { configPath: request.configPath } : {}),
      prompt: spec.version,
      seed: request.seed,
      repeat,
      caseIds: toRun,
      ...(request.suites ? { suites: request.suites } : {}),
      skipAttempts: skip,
      ...(request.purpose ? { purpose: request.purpose } : {}),
      ...(request.concurrency ? { concurrency: request.concurrency } : {}),
      ...(request.stopSignal ? { stopSignal: request.stopSignal } : {}),
      ...(request.killSignal ? { killSignal: request.killSignal } : {}),
      ...(request.onWarning ? { onWarning: request.onWarning } : {}),
      onEvent: (event) => request.onEvent?.(role, event),
      onStart: (run, total) => request.onRunStart?.(role, run, total),
    });
    newRun = result.run.id;
    stopped = result.outcome.stopped || result.run.status !== "completed";
    for await (const attempt of store.iterateAttempts(newRun)) {
      addAttempt(attempts, attempt);
      ran++;
    }
    runs.add(newRun);
  }
  for (const [runId, ids] of donors) {
    runs.add(runId);
    for await (const attempt of store.iterateAttempts(runId)) {
      if (ids.has(attempt.id)) addAttempt(attempts, attempt);
    }
  }
  return { attempts, runs: [...runs], ...(newRun ? { newRun } : {}), reused, ran, stopped };
}
