/**
 * Core records shared by every module. Field names use snake_case where they are
 * persisted or written by users (suites, reports), camelCase for in-process options.
 */

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

export type Severity = "blocking" | "warning" | "exploratory";

export type Dimension = "accuracy" | "latency" | "tool_use" | "safety" | "cost";
export const DIMENSIONS: readonly Dimension[] = [
  "accuracy",
  "latency",
  "tool_use",
  "safety",
  "cost",
] as const;

export type Role = "system" | "user" | "assistant" | "tool";

export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

export interface Message {
  role: Role;
  content: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
  name?: string;
}

/** A grader invocation as written in a suite or in `evaluation.assertions`. */
export interface AssertionSpec {
  type: string;
  /** The grader's own parameters (value, pattern, schema, tool, …). */
  [key: string]: unknown;
}

/** What the case expects; the `sim` model answers from this, graders check against it. */
export interface ExpectedBehaviour {
  output?: string;
  /** A JSON answer, when the case expects structured output. */
  json?: JsonValue;
  tool_calls?: Array<{ name: string; arguments?: Record<string, unknown> }>;
}

export type CaseSource =
  | { kind: "hand_written" }
  | { kind: "incident"; incident_id: string }
  | { kind: "cluster"; cluster_id: string }
  | { kind: "trace"; trace_id: string }
  | { kind: "redteam"; probe_id: string };

export interface Case {
  id: string;
  /** Plain text is one user message; a list is a conversation. */
  input: string | Message[];
  /** Named fixture data the agent's mocked tools or templates may read. */
  context?: Record<string, unknown>;
  expected?: ExpectedBehaviour;
  assertions: AssertionSpec[];
  tags: string[];
  severity: Severity;
  owner?: string;
  source?: CaseSource;
  expires_at?: string;
  /** Where the case was read from (file:line), for error messages and reports. */
  origin?: string;
}

export type ErrorClass =
  | "timeout"
  | "rate_limit"
  | "provider_error"
  | "agent_error"
  | "grader_error"
  | "cancelled";

export interface AttemptError {
  class: ErrorClass;
  message: string;
  /** HTTP status when the error came from a remote endpoint. */
  status?: number;
}

/** One span in the OpenTelemetry GenAI shape (attributes use `gen_ai.*` names). */
export interface Span {
  trace_id: string;
  span_id: string;
  parent_span_id?: string;
  name: string;
  kind: "internal" | "client" | "server" | "producer" | "consumer";
  start_ms: number;
  end_ms: number;
  attributes: Record<string, string | number | boolean | string[]>;
  status: { code: "unset" | "ok" | "error"; message?: string };
  events: Array<{ name: string; time_ms: number; attributes?: Record<string, unknown> }>;
  /** Every attribute of the OTLP resource that sent the span (spans received over OTLP). */
  resource?: Record<string, string | number | boolean | string[]>;
  /** The instrumentation scope (library) that made the span. */
  scope?: { name: string; version?: string; attributes?: Record<string, unknown> };
  /** Links to spans of other traces (a batch job's inputs, a retried request…). */
  links?: Array<{ trace_id: string; span_id: string; attributes?: Record<string, unknown> }>;
}

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens?: number;
}

/** A side effect a mocked tool performed (distinct from the call the agent asked for). */
export interface SideEffect {
  tool: string;
  effect: string;
  data?: Record<string, unknown>;
}

export interface Score {
  grader: string;
  dimension: Dimension;
  /** 0..1 */
  score: number;
  passed: boolean;
  reason: string;
  /** Weight of this assertion inside its dimension (default 1). */
  weight?: number;
  details?: Record<string, unknown>;
}

export const ATTEMPT_STATUSES = ["passed", "failed", "error"] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];
/** Every status but passed: what failure lists and reports show first. */
export const FAILING_STATUSES: readonly AttemptStatus[] = ATTEMPT_STATUSES.filter(
  (status) => status !== "passed",
);

export interface Attempt {
  id: string;
  run_id: string;
  case_id: string;
  epoch: number;
  /** The model or agent variant this attempt ran (for multi-model comparisons). */
  variant: string;
  status: AttemptStatus;
  output: string;
  messages: Message[];
  tool_calls: ToolCall[];
  side_effects: SideEffect[];
  spans: Span[];
  scores: Score[];
  /** Per-dimension score 0..1; dimensions with no grader are absent. */
  dimension_scores: Partial<Record<Dimension, number>>;
  /** Weighted overall score 0..1. */
  overall: number;
  error?: AttemptError;
  usage: Usage;
  cost_usd: number;
  latency_ms: number;
  retries: number;
  started_at: string;
  finished_at: string;
  tags: string[];
  severity: Severity;
  /** sha256 of the case as run (see `caseHash`); the gate reuses an attempt only for the same case. */
  case_hash?: string;
}

export type RunStatus = "running" | "completed" | "interrupted" | "failed";

/**
 * What a run's spend is for. `confirmation`: the champion run on one eval draft (`evals
 * draft`) to show it fails; kept apart so it neither crowds run lists nor counts as evaluation.
 */
export const RUN_PURPOSES = ["evaluation", "optimization", "production", "confirmation"] as const;
export type RunPurpose = (typeof RUN_PURPOSES)[number];

/** What a paired comparison of two runs reads of an attempt (report's `pairRuns`). */
export type PairableAttempt = Pick<
  Attempt,
  | "id"
  | "case_id"
  | "epoch"
  | "variant"
  | "status"
  | "overall"
  | "dimension_scores"
  | "latency_ms"
  | "cost_usd"
>;

export interface RunTotals {
  attempts: number;
  passed: number;
  failed: number;
  errors: number;
  score: number;
  pass_rate: number;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
  latency_p50_ms: number;
  latency_p95_ms: number;
  latency_p99_ms: number;
  dimension_scores: Partial<Record<Dimension, number>>;
  /** Per-attempt cost percentiles (USD), for `evaluation.cost` targets. */
  cost_p50_usd?: number;
  cost_p95_usd?: number;
  cost_p99_usd?: number;
  cost_max_usd?: number;
  /** Severity-aware verdict: a failed blocking case fails the run; exploratory cases are not scored. */
  verdict?: RunVerdictSummary;
  /** Per variant (each model of `--compare`), its own totals and verdict; absent for one. */
  variants?: Record<string, RunTotals>;
  /**
   * Per model: where its price came from (`builtin table`, `config token_pricing`, `none`)
   * and the price used, USD per million tokens.
   */
  pricing?: Record<string, ModelPricing>;
  /** Run-level latency / cost targets (percentiles, never averages) and whether each held. */
  targets?: Array<{
    key: string;
    limit: number;
    actual: number | null;
    passed: boolean;
    reason: string;
  }>;
}

export interface ModelPricing {
  source: "builtin table" | "config token_pricing" | "none";
  input_per_million?: number;
  output_per_million?: number;
}

export interface RunVerdictSummary {
  passed: boolean;
  /** Mean overall over blocking and warning attempts (null when there is none). */
  score: number | null;
  threshold: number;
  reasons: string[];
  blocking_failures: string[];
  warning_failures: number;
  exploratory_failures: number;
}

export interface Run {
  id: string;
  pipeline: string;
  suite: string;
  config_hash: string;
  prompt_version?: string;
  agent_kind: string;
  models: string[];
  seed: number;
  epochs: number;
  status: RunStatus;
  started_at: string;
  finished_at?: string;
  /** Purpose of the spend, kept apart for cost attribution. */
  purpose: RunPurpose;
  totals?: RunTotals;
  /**
   * `{ config, flags }`: the resolved config (it holds no secrets) and the run's own case
   * selection, so that `--resume` replays the same run.
   */
  config_snapshot: JsonValue;
  case_count: number;
  threshold?: number;
}

/** Placeholders for the improvement loop; shaped now so records slot in. */
export interface PromptVersion {
  hash: string;
  parents: string[];
  content: string;
  author: "human" | "optimizer";
  rationale?: string;
  target_cluster?: string;
  labels: string[];
  created_at: string;
}

/** Failure mining: a production trace flagged by a detector (fields map the seed's FailureTrace). */
export const FAILURE_SIGNAL_TYPES = [
  "hard_error",
  "user_correction",
  "abandonment",
  "llm_judge_fail",
  "business_metric",
  /** An answer shows personal data (card, e-mail, phone, IBAN, secret) the user never gave. */
  "pii_leak",
  /** The agent declined the user's request. */
  "refusal",
  /** A case the champion passed fails for a challenger the gate compared (eval, not production). */
  "regression",
  /** An attempt of an evaluation run that failed its graders (`clusters build --run`). */
  "eval_failure",
] as const;
export type FailureSignalType = (typeof FAILURE_SIGNAL_TYPES)[number];
export const FAILURE_SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type FailureSeverity = (typeof FAILURE_SEVERITIES)[number];
export const FAILURE_STATUSES = ["new", "accepted", "dismissed", "duplicate"] as const;
export type FailureStatus = (typeof FAILURE_STATUSES)[number];

export interface FailureToolCall {
  name: string;
  arguments?: string;
  result?: string;
  error?: string;
}

export interface Failure {
  id: string;
  trace_id: string;
  /** Name of the detector that fired; (trace_id, detector) is unique. */
  detector: string;
  signal_type: FailureSignalType;
  severity: FailureSeverity;
  /** The detector's weight. */
  weight: number;
  /** severity weight × detector weight (before recurrence). */
  base_score: number;
  /** base_score × recurrence factor; what lists rank by. */
  score: number;
  /** When the trace started (seed: timestamp). */
  timestamp: string;
  agent?: string;
  /** First user message (seed: input_payload). */
  input: string;
  /** Last assistant answer (seed: final_output). */
  output: string;
  /** Tool call chain (seed: reasoning_steps). */
  tool_calls: FailureToolCall[];
  error?: string;
  /** Why the detector fired (seed: failure_reason). */
  reason: string;
  /** Outcome, feedback, model, span count… (seed: context_snapshot). */
  context: Record<string, JsonValue>;
  /** The conversation as text with emails, phones and card numbers masked. */
  redacted_text: string;
  fingerprint: string;
  /** Filled by the cluster module. */
  cluster_id: string | null;
  status: FailureStatus;
  duplicate_of: string | null;
  /** 1 + duplicates linked to this failure. */
  count: number;
  first_seen: string;
  last_seen: string;
}

export interface FailureTriage {
  failure_id: string;
  status: FailureStatus;
  by: string;
  at: string;
  note?: string;
  duplicate_of?: string;
}
