import { attemptKey } from "../store/index.js";
import { executeAttempt } from "./execute.js";
import { runKillSignal } from "./kill-signal.js";
import { Semaphore } from "./semaphore.js";
import type { RunOutcome, RunPlan } from "./types.js";

/**
 * How long a finished attempt may wait to be committed with others. Nothing waits on the
 * save (the slot is free first), and fewer, larger commits are much cheaper: at 1,000
 * attempts/s, 10 ms windows spent 0.16 ms of CPU per attempt in the store, 50 ms windows
 * 0.07 ms (bench/runner). A killed run loses at most this window; --resume re-runs it.
 */
const COMMIT_WINDOW_MS = 50;

/**
 * Streams the suite, schedules case × epoch × variant under global and per-key limits,
 * and stores each attempt the moment it ends. With `existing` keys (from `--resume`)
 * already-stored attempts are skipped, so a resumed run never duplicates work.
 */
export async function executeRun(
  plan: RunPlan,
  existing: Set<string> = new Set(),
): Promise<RunOutcome> {
  const global = new Semaphore(plan.concurrency);
  const perKey = new Map<string, Semaphore>();
  const limiterFor = (key: string): Semaphore | undefined => {
    const limit = plan.perKeyConcurrency?.[key];
    if (!limit) return undefined;
    let semaphore = perKey.get(key);
    if (!semaphore) {
      semaphore = new Semaphore(limit);
      perKey.set(key, semaphore);
    }
    return semaphore;
  };

  const inFlight = new Set<Promise<void>>();
  const outcome: RunOutcome = {
    scheduled: 0,
    completed: 0,
    skipped: 0,
    duplicates: 0,
    stopped: false,
  };
  let failure: unknown;
  const stopped = () => plan.stopSignal?.aborted === true || failure !== undefined;
  const kill = runKillSignal(plan.killSignal, plan.concurrency);
  const attemptPlan: RunPlan = kill ? { ...plan, killSignal: kill.signal } : plan;

  try {
    // Warm-ups (a tokenizer) would otherwise land in the first attempts' latency.
    await Promise.all(plan.variants.map((variant) => variant.agent.prepare?.()));
    await schedule();
  } finally {
    await Promise.all(inFlight);
    kill?.dispose();
  }
  if (plan.stopSignal?.aborted) {
    outcome.stopped = true;
    plan.onEvent?.({ type: "stopping" });
  }
  if (failure !== undefined) throw failure;
  return outcome;

  async function schedule(): Promise<void> {
    scheduling: for await (const testCase of plan.cases()) {
      for (let epoch = 0; epoch < plan.epochs; epoch++) {
        for (const variant of plan.variants) {
          if (stopped()) break scheduling;
          if (existing.has(attemptKey(variant.name, testCase.id, epoch))) {
            outcome.skipped++;
            plan.onEvent?.({ type: "skipped", caseId: testCase.id, epoch, variant: variant.name });
            continue;
          }
          const releaseGlobal = await global.acquire();
          if (stopped()) {
            releaseGlobal();
            break scheduling;
          }
          outcome.scheduled++;
          const task = (async () => {
            let releaseKey: (() => void) | undefined;
            let released = false;
            const release = () => {
              if (released) return;
              released = true;
              releaseKey?.();
              releaseGlobal();
            };
            try {
              releaseKey = await limiterFor(variant.agent.concurrencyKey)?.acquire();
              const attempt = await executeAttempt(attemptPlan, testCase, epoch, variant);
              // The slot is for the agent's work; the store's group commit must not hold it.
              release();
              if (attempt.error?.class === "cancelled") return;
              if (!(await plan.store.saveAttempt(attempt, { commitWithinMs: COMMIT_WINDOW_MS }))) {
                // Another process resuming the same run stored this key first.
                outcome.duplicates++;
                plan.onEvent?.({
                  type: "skipped",
                  caseId: testCase.id,
                  epoch,
                  variant: variant.name,
                });
                return;
              }
              outcome.completed++;
              plan.onEvent?.({ type: "attempt", attempt });
            } catch (error) {
              failure ??= error;
            } finally {
              release();
            }
          })();
          inFlight.add(task);
          void task.finally(() => inFlight.delete(task));
        }
      }
    }
  }
}
