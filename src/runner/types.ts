import type { Agent, AgentRunResult } from "../agents/index.js";
import type { Attempt, AttemptError, Case, Score } from "../core/index.js";
import type { Redactor } from "../redact/index.js";
import type { Store } from "../store/index.js";
import type { BackoffPolicy } from "./backoff.js";

export interface Variant {
  /** Stable name stored on every attempt (`default`, or the model spec in comparisons). */
  name: string;
  agent: Agent;
}

export interface Grading {
  scores: Score[];
  dimension_scores: Attempt["dimension_scores"];
  overall: number;
  passed: boolean;
  /** Spend of grading itself (LLM judges), added to the attempt's cost. */
  cost_usd?: number;
}

/** Grades one finished attempt; called with the error when the agent failed. */
export type GradeFn = (
  testCase: Case,
  result: AgentRunResult | undefined,
  error: AttemptError | undefined,
  timing: { latency_ms: number },
) => Promise<Grading> | Grading;

export interface RunPlan {
  runId: string;
  /** Streamed: the suite is never held whole in memory. */
  cases: () => AsyncIterable<Case>;
  variants: Variant[];
  epochs: number;
  seed: number;
  concurrency: number;
  /** Per `Agent.concurrencyKey` limits, e.g. `{ openai: 8 }`. */
  perKeyConcurrency?: Record<string, number>;
  timeoutMs: number;
  retries: number;
  backoff?: BackoffPolicy;
  grade: GradeFn;
  /**
   * Applied to every attempt after grading and before it is stored or reported: graders see
   * the raw text, the store and reports only the redacted one.
   */
  redactor?: Redactor;
  store: Store;
  /** Aborting stops scheduling; attempts in flight finish and are saved. */
  stopSignal?: AbortSignal;
  /** Aborting cancels attempts in flight too (second Ctrl-C). */
  killSignal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
}

export type RunEvent =
  | { type: "scheduled"; total: number | undefined }
  | { type: "skipped"; caseId: string; epoch: number; variant: string }
  | {
      type: "retry";
      caseId: string;
      epoch: number;
      retry: number;
      error: AttemptError;
      delayMs: number;
    }
  | { type: "attempt"; attempt: Attempt }
  | { type: "stopping" };

export interface RunOutcome {
  scheduled: number;
  /** Attempts this process ran and stored. */
  completed: number;
  /** Attempts already stored when scheduling reached them (`--resume`). */
  skipped: number;
  /** Attempts this process ran but another stored first (two resumes of one run at once). */
  duplicates: number;
  stopped: boolean;
}
