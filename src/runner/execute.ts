import type { AgentRunResult } from "../agents/index.js";
import {
  type Attempt,
  type Case,
  type Clock,
  caseHash,
  newId,
  rngFor,
  systemClock,
} from "../core/index.js";
import { redactAttempt } from "../redact/index.js";
import { DEFAULT_BACKOFF, retryDelayMs } from "./backoff.js";
import {
  AttemptTimeout,
  type ClassifiedError,
  classifyAttemptError,
  RunCancelled,
} from "./classify.js";
import type { Grading, RunPlan, Variant } from "./types.js";

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
  const clock = plan.clock ?? monotonicClock;
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
    // The agent's own time: the slot and the provider's limiter are held already, and each
    // try is timed apart, so queueing and backoff waits are not in it (retries are counted).
    const began = clock.now();
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
      latencyMs = clock.now() - began;
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
      await clock.sleep(delayMs, plan.killSignal);
    } catch {
      error = cancelled();
      break;
    }
  }

  let attemptError = error ? strip(error) : undefined;
  // A cancelled attempt is dropped by the runner: grading it (LLM judges) would be wasted spend.
  let grading: Grading = NOT_GRADED;
  if (attemptError?.class !== "cancelled") {
    const graded = await gradeUnlessKilled(plan, testCase, result, attemptError, latencyMs);
    if (graded) grading = graded;
    else attemptError = strip(cancelled());
  }
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
    case_hash: caseHash(testCase),
  };
  return plan.redactor ? redactAttempt(attempt, plan.redactor) : attempt;
}

const NOT_GRADED: Grading = { scores: [], dimension_scores: {}, overall: 0, passed: false };

/**
 * Grades the attempt, or returns undefined when the run is killed first: a grader stuck in
 * user code or waiting on a judge must not hold the run, and an attempt whose grading was cut
 * short is dropped like one killed mid-call (a resume runs it again).
 */
async function gradeUnlessKilled(
  plan: RunPlan,
  testCase: Case,
  result: AgentRunResult | undefined,
  error: Attempt["error"],
  latencyMs: number,
): Promise<Grading | undefined> {
  const kill = plan.killSignal;
  if (kill?.aborted) return undefined;
  const grading = Promise.resolve(
    plan.grade(testCase, result, error, { latency_ms: latencyMs }, kill),
  );
  if (!kill) return grading;
  try {
    return await raceAbort(grading, kill);
  } catch (caught) {
    if (kill.aborted) return undefined;
    throw caught;
  }
}

/** Latency is measured on the monotonic clock: wall-clock steps (NTP) must not bend it. */
const monotonicClock: Clock = { now: () => performance.now(), sleep: systemClock.sleep };

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
