import type { Rng } from "../core/index.js";

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** A server's Retry-After is honoured up to this long; beyond it the attempt is not retried. */
  maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  baseMs: 500,
  maxMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/**
 * Delay before retry number `retry` (1-based): full-range jitter over an exponential
 * ceiling, so that many workers hitting one rate limit do not retry in lockstep.
 * A Retry-After from the server wins when it asks for longer.
 */
export function retryDelayMs(
  retry: number,
  policy: BackoffPolicy,
  rng: Rng,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1));
  const jittered = ceiling / 2 + rng.next() * (ceiling / 2);
  if (retryAfterMs !== undefined) {
    return Math.min(policy.maxRetryAfterMs, Math.max(retryAfterMs, jittered / 4));
  }
  return jittered;
}
