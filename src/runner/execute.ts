import type { AgentRunResult } from "../agents/index.js";
import { type Attempt, type Case, newId, rngFor, systemClock } from "../core/index.js";
import { redactAttempt } from "../redact/index.js";
import { DEFAULT_BACKOFF, retryDelayMs } from "./backoff.js";
import {
  AttemptTimeout,
  type ClassifiedError,
  classifyAttemptError,
  RunCancelled,
} from "./classify.js";
import type { RunPlan, Variant } from "./types.js";

/**
 * One case × epoch × variant, with its retries, graded and shaped into an Attempt.
 * Never throws: every failure becomes an attempt with a classified error.
 */
export async function executeAttempt(
  plan: RunPlan,
  testCase: Case,
  epoch: number,
  variant: Variant,
): Promise<Attempt> {
  const startedAt = new Date();
  const policy = plan.backoff ?? DEFAULT_BACKOFF;
  let result: AgentRunResult | undefined;
  let error: ClassifiedError | undefined;
  let retries = 0;
  let latencyMs = 0;

  for (let attempt = 0; attempt <= plan.retries; attempt++) {
    const controller = new AbortController();
    // Node fires a timer beyond its 32-bit range after 1 ms; a longer timeout means "no limit".
    const timer =
      plan.timeoutMs <= MAX_TIMER_MS
        ? setTimeout(() => controller.abort(new AttemptTimeout(plan.timeoutMs)), plan.timeoutMs)
        : undefined;
    const onKill = () => controller.abort(new RunCancelled());
    if (plan.killSignal?.aborted) onKill();
    plan.killSignal?.addEventListener("abort", onKill, { once: true });
    const began = performance.now();
    try {
      result = await raceAbort(
        variant.agent.run({
          case: testCase,
          epoch,
          seed: plan.seed,
          runId: plan.runId,
          signal: controller.signal,
        }),
        controller.signal,
      );
      error = undefined;
    } catch (caught) {
      error = classifyAttemptError(caught, controller.signal);
    } finally {
      latencyMs = performance.now() - began;
      clearTimeout(timer);
      plan.killSignal?.removeEventListener("abort", onKill);
    }
    if (!error?.retryable || attempt === plan.retries) break;
    // Killed between tries: the attempt never got its retries, so it must not be stored as
    // a final error (a resume would skip it); it is cancelled like one killed mid-call.
    if (plan.killSignal?.aborted) {
      error = cancelled();
      break;
    }
    // A server asking for a longer pause than we are willing to wait: give up now with its
    // error rather than sleep past the cap and retry anyway.
    if (error.retryAfterMs !== undefined && error.retryAfterMs > policy.maxRetryAfterMs) break;
    retries++;
    const delayMs = retryDelayMs(
      retries,
      policy,
      rngFor(plan.seed, testCase.id, epoch, "retry", retries),
      error.retryAfterMs,
    );
    plan.onEvent?.({
      type: "retry",
      caseId: testCase.id,
      epoch,
      retry: retries,
      error: plan.redactor
        ? { ...strip(error), message: plan.redactor.text(error.message) }
        : strip(error),
      delayMs,
    });
    try {
      await systemClock.sleep(delayMs, plan.killSignal);
    } catch {
      error = cancelled();
      break;
    }
  }

  const attemptError = error ? strip(error) : undefined;
  // A cancelled attempt is dropped by the runner: grading it (LLM judges) would be wasted spend.
  const grading =
    attemptError?.class === "cancelled"
      ? { scores: [], dimension_scores: {}, overall: 0, passed: false }
      : await plan.grade(testCase, result, attemptError, { latency_ms: latencyMs });
  const status = attemptError ? "error" : grading.passed ? "passed" : "failed";
  const attempt: Attempt = {
    id: newId("att"),
    run_id: plan.runId,
    case_id: testCase.id,
    epoch,
    variant: variant.name,
    status,
    output: result?.output ?? "",
    messages: result?.messages ?? [],
    tool_calls: result?.tool_calls ?? [],
    side_effects: result?.side_effects ?? [],
    spans: result?.spans ?? [],
    scores: grading.scores,
    dimension_scores: grading.dimension_scores,
    overall: grading.overall,
    ...(attemptError ? { error: attemptError } : {}),
    usage: result?.usage ?? { input_tokens: 0, output_tokens: 0 },
    cost_usd: (result?.cost_usd ?? 0) + (grading.cost_usd ?? 0),
    latency_ms: Math.round(latencyMs * 1000) / 1000,
    retries,
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    tags: testCase.tags,
    severity: testCase.severity,
  };
  return plan.redactor ? redactAttempt(attempt, plan.redactor) : attempt;
}

/** setTimeout's largest delay (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

function cancelled(): ClassifiedError {
  return { class: "cancelled", message: new RunCancelled().message, retryable: false };
}

function strip(error: ClassifiedError): Attempt["error"] & object {
  return {
    class: error.class,
    message: error.message,
    ...(error.status !== undefined ? { status: error.status } : {}),
  };
}

/**
 * An agent that ignores its abort signal must still not hold the run hostage: the attempt
 * ends at the timeout even if the agent's promise never settles.
 */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
