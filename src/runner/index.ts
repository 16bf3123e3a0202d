export type { BackoffPolicy } from "./backoff.js";
export { DEFAULT_BACKOFF, retryDelayMs } from "./backoff.js";
export type { ClassifiedError } from "./classify.js";
export { AttemptTimeout, classifyAttemptError, RunCancelled } from "./classify.js";
export { executeAttempt } from "./execute.js";
export { executeRun } from "./run.js";
export { Semaphore } from "./semaphore.js";
export type { GradeFn, Grading, RunEvent, RunOutcome, RunPlan, Variant } from "./types.js";
