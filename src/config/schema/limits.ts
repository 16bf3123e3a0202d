/**
 * Upper bounds of numeric settings, shared by `ratchet.yaml` and the CLI flags that override
 * it. A value beyond them is a typo (`repeat: 1e9`) or would overflow something below us:
 * Node's timers fire at once past 2^31 - 1 ms, and a billion epochs never end.
 */
export const LIMITS = {
  /** Epochs (`evaluation.repeat`, `--repeat`). */
  repeat: 1000,
  /** Attempts in flight (`pipeline.max_concurrency`, `--concurrency`, a provider's limit). */
  concurrency: 10_000,
  /** LLM-judge calls in flight. */
  judgeConcurrency: 1024,
  /** Per-attempt timeout in seconds: one day (`pipeline.timeout_seconds`, `--timeout`). */
  timeoutSeconds: 86_400,
  /** Retries per attempt; each can wait minutes (backoff, Retry-After). */
  retries: 20,
  /** Model calls in one attempt's tool loop. */
  maxSteps: 1000,
  /** Output tokens per model call. */
  maxTokens: 10_000_000,
  /** Simulated latency (sim provider, mocked tools): ten minutes, far below 2^31 ms. */
  latencyMs: 600_000,
  /** Latency targets: one day in ms. */
  targetMs: 86_400_000,
  /** Dollar budgets and targets. */
  usd: 1_000_000,
  /** Response cache lifetime: ten years. */
  cacheTtlSeconds: 315_360_000,
} as const;
