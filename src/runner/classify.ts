import { AgentError, HttpStatusError } from "../agents/index.js";
import type { AttemptError } from "../core/index.js";
import { classifyProviderError, redactSecrets } from "../providers/index.js";

/** Why the runner aborted an attempt; carried as the abort reason. */
export class AttemptTimeout extends Error {
  override name = "AttemptTimeout";
  constructor(readonly timeoutMs: number) {
    super(`attempt timed out after ${timeoutMs} ms`);
  }
}

export class RunCancelled extends Error {
  override name = "RunCancelled";
  constructor() {
    super("run cancelled");
  }
}

export interface ClassifiedError extends AttemptError {
  retryable: boolean;
  retryAfterMs?: number;
}

export function classifyAttemptError(error: unknown, signal: AbortSignal): ClassifiedError {
  const reason: unknown = signal.aborted ? signal.reason : undefined;
  if (reason instanceof AttemptTimeout) {
    return { class: "timeout", message: reason.message, retryable: true };
  }
  if (reason instanceof RunCancelled) {
    return { class: "cancelled", message: reason.message, retryable: false };
  }
  // Agents' messages quote response bodies and stderr, which may echo the agent's own token.
  if (error instanceof HttpStatusError) {
    const message = redactSecrets(error.message);
    const status = error.status ?? 0;
    if (status === 429) {
      return {
        class: "rate_limit",
        message,
        status,
        retryable: true,
        ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
      };
    }
    return {
      class: status >= 500 ? "provider_error" : "agent_error",
      message,
      status,
      retryable: status >= 500 || status === 408,
    };
  }
  if (error instanceof AgentError) {
    return { class: "agent_error", message: redactSecrets(error.message), retryable: false };
  }
  const classified = classifyProviderError(error);
  return {
    class: classified.class,
    message: classified.message,
    retryable: classified.retryable,
    ...(classified.status !== undefined ? { status: classified.status } : {}),
    ...(classified.retryAfterMs !== undefined ? { retryAfterMs: classified.retryAfterMs } : {}),
  };
}
