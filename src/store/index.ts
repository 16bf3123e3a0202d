export type {
  ClusterBuildRecord,
  ClusterMembership,
  ClusterRecord,
  ClusterStats,
  ClusterStore,
} from "./clusters.js";
export type {
  CostDimension,
  CostGroup,
  CostQuery,
  CostRefreshOptions,
  CostRefreshProgress,
  CostStore,
} from "./costs/index.js";
export { COST_DIMENSIONS } from "./costs/index.js";
export type {
  EvalDraftReview,
  EvalDraftStatus,
  EvalDraftStore,
  StoredEvalDraft,
} from "./eval-drafts.js";
export { EVAL_DRAFT_STATUSES } from "./eval-drafts.js";
export type {
  FailureFilter,
  FailureStore,
  NewFailure,
  RecordOutcome,
  StoredTrace,
  TraceScan,
  TriageInput,
} from "./failures.js";
export { failureScore, recurrenceFactor } from "./failures.js";
export type {
  CaseOutcomeRow,
  GateDecisionFilter,
  GateDecisionRecord,
  GateStore,
  ReusableAttempt,
  ReuseQuery,
} from "./gate.js";
export type { JudgeCalibration, JudgeCalibrationFilter, JudgeStore } from "./judges.js";
export type {
  ArmMoments,
  CanaryEnding,
  CanaryRow,
  CanaryStatus,
  LeaseState,
  LiveEvent,
  LiveEventInput,
  LiveStore,
} from "./live.js";
export { CANARY_STATUSES, LIVE_METRIC_SQL } from "./live.js";
export type { CycleRow, LoopStore, OptimizationRow } from "./loop.js";
export type {
  DecisionEvidenceRow,
  LoopMetricsStore,
  ProductionFailureRow,
  SeriousFailureRow,
  TraceCoverageCounts,
} from "./loop-metrics.js";
export { EVAL_SIGNAL_TYPES } from "./loop-metrics.js";
export type { Migration, MigrationResult } from "./migrations.js";
export { LATEST_SCHEMA_VERSION } from "./migrations.js";
export type { StoreConfig } from "./open.js";
export { DEFAULT_STORE_PATH, openStore } from "./open.js";
export type {
  ImportResult,
  LabelMove,
  PromptAuthorKind,
  PromptLabel,
  PromptLabelEvent,
  PromptLabelEventKind,
  PromptPin,
  PromptStore,
  SaveVersionOptions,
  SaveVersionResult,
  StoredPromptVersion,
} from "./prompts.js";
export { previousTarget } from "./prompts.js";
export type { ShadowFilter, ShadowRow, ShadowStatus, ShadowStore } from "./shadows.js";
export { SHADOW_STATUSES } from "./shadows.js";
export type { SqliteStoreOptions } from "./sqlite.js";
export { openSqliteStore } from "./sqlite.js";
export type {
  InsertSpansOptions,
  InsertSpansResult,
  TraceFilter,
  TraceOutcome,
  TraceStore,
  TraceSummary,
} from "./traces.js";
export { TRACE_ATTRIBUTES, TRACE_OUTCOMES } from "./traces.js";
export type {
  AttemptFilter,
  CacheEntry,
  CacheStore,
  RunFilter,
  SaveAttemptOptions,
  Store,
} from "./types.js";
export { attemptKey } from "./types.js";
export type {
  AttemptPageFilter,
  AttemptSummary,
  CycleSummary,
  DecisionSummary,
  LiveEventRow,
  PassRatePoint,
  RunPageFilter,
  WebQueries,
} from "./web.js";
