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
 * The last attempts of a run do not wait for it: once nothing is left to execute, they are
 * committed at once, since no other attempt will come to share their commit.
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
  /** Attempts started and not yet executed: at zero after the last is scheduled, the tail. */
  let executing = 0;
  let schedulingDone = false;
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

  // Said when the stop arrives, not once the attempts in flight are done: the user who pressed
  // Ctrl-C is told at once what is being waited for. A kill (which comes with a stop) waits
  // for nothing.
  const onStop = () => {
    if (!plan.killSignal?.aborted) plan.onEvent?.({ type: "stopping" });
  };
  if (plan.stopSignal?.aborted) onStop();
  else plan.stopSignal?.addEventListener("abort", onStop, { once: true });
  try {
    // Warm-ups (a tokenizer) would otherwise land in the first attempts' latency.
    await Promise.all(plan.variants.map((variant) => variant.agent.prepare?.()));
    await schedule();
  } finally {
    schedulingDone = true;
    await Promise.all(inFlight);
    plan.stopSignal?.removeEventListener("abort", onStop);
    kill?.dispose();
  }
  if (plan.stopSignal?.aborted) outcome.stopped = true;
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
          executing++;
          const task = (async () => {
            let releaseKey: (() => void) | undefined;
            let released = false;
            const release = () => {
              if (released) return;
              released = true;
              executing--;
              releaseKey?.();
              releaseGlobal();
            };
            try {
              releaseKey = await limiterFor(variant.agent.concurrencyKey)?.acquire();
              const attempt = await executeAttempt(attemptPlan, testCase, epoch, variant);
              // The slot is for the agent's work; the store's group commit must not hold it.
              release();
              if (attempt.error?.class === "cancelled") return;
              const last = schedulingDone && executing === 0;
              const commitWithinMs = last ? 0 : COMMIT_WINDOW_MS;
              if (!(await plan.store.saveAttempt(attempt, { commitWithinMs }))) {
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
