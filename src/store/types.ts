import type {
  Attempt,
  AttemptStatus,
  JsonValue,
  Run,
  RunPurpose,
  RunStatus,
  RunTotals,
} from "../core/index.js";
import type { ClusterStore } from "./clusters.js";
import type { CostStore } from "./costs/index.js";
import type { EvalDraftStore } from "./eval-drafts.js";
import type { FailureStore } from "./failures.js";
import type { GateStore } from "./gate.js";
import type { JudgeStore } from "./judges.js";
import type { LiveStore } from "./live.js";
import type { LoopStore } from "./loop.js";
import type { LoopMetricsStore } from "./loop-metrics.js";
import type { PromptStore } from "./prompts.js";
import type { ShadowStore } from "./shadows.js";
import type { TraceStore } from "./traces.js";
import type { WebQueries } from "./web.js";

export interface SaveAttemptOptions {
  /**
   * How long this attempt may wait to be committed with others (group commit), for callers
   * that do not wait on the save before going on. Default 0: committed on the next turn of
   * the event loop.
   */
  commitWithinMs?: number;
}

/** Which of a run's attempts `iterateAttempts` streams; all of them by default. */
export interface AttemptFilter {
  variant?: string;
  /** Only attempts with one of these statuses, e.g. `["failed", "error"]` for failures. */
  statuses?: readonly AttemptStatus[];
}

export interface RunFilter {
  limit?: number;
  status?: RunStatus;
  pipeline?: string;
  /** Only runs with one of these purposes (default: every purpose). */
  purposes?: readonly RunPurpose[];
}

export interface CacheEntry {
  /** The provider's response, serialized by the provider layer. */
  value: JsonValue;
  created_at: number;
  expires_at: number | null;
}

/** Response cache used by the provider layer; keyed by a hash of the full request. */
export interface CacheStore {
  getCached(key: string, now?: number): Promise<CacheEntry | undefined>;
  putCached(key: string, value: JsonValue, ttlMs: number | null, now?: number): Promise<void>;
}

/**
 * The one persistence interface. SQLite implements it now; PostgreSQL will later, with
 * no change to callers. Every write is durable when the promise resolves.
 */
export interface Store extends CacheStore {
  failures: FailureStore;
  costs: CostStore;
  traces: TraceStore;
  judges: JudgeStore;
  gate: GateStore;
  loop: LoopStore;
  /** Read-only queries of `ratchet metrics`. */
  loopMetrics: LoopMetricsStore;
  live: LiveStore;
  /** Paged reads for the dashboard. */
  web: WebQueries;
  clusters: ClusterStore;
  evalDrafts: EvalDraftStore;
  prompts: PromptStore;
  shadows: ShadowStore;
  createRun(run: Run): Promise<void>;
  updateRunStatus(id: string, status: RunStatus, finishedAt?: string): Promise<void>;
  finishRun(id: string, status: RunStatus, totals: RunTotals, finishedAt: string): Promise<void>;
  getRun(id: string): Promise<Run | undefined>;
  /** Newest first. */
  listRuns(filter?: RunFilter): Promise<Run[]>;
  /**
   * Resolve a unique id prefix (or `latest`, `latest~1`) to a run id; `latest` counts the
   * runs `runs list` shows by default, so never a draft's confirmation run.
   */
  resolveRunId(ref: string): Promise<string | undefined>;

  /**
   * Insert an attempt; a second attempt for the same (run, variant, case, epoch) is ignored
   * and `false` is returned, so a resumed run can never duplicate work.
   */
  saveAttempt(attempt: Attempt, options?: SaveAttemptOptions): Promise<boolean>;
  /** Keys `variant\u0000case_id\u0000epoch` of attempts already stored, for `--resume`. */
  attemptKeys(runId: string): Promise<Set<string>>;
  /** Streams attempts in (case_id, epoch) order without loading the run into memory. */
  iterateAttempts(runId: string, options?: AttemptFilter): AsyncIterable<Attempt>;
  countAttempts(runId: string): Promise<number>;

  close(): Promise<void>;
}

export function attemptKey(variant: string, caseId: string, epoch: number): string {
  return `${variant}\u0000${caseId}\u0000${epoch}`;
}
