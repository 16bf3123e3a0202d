import type {
  Attempt,
  AttemptStatus,
  JsonValue,
  Run,
  RunStatus,
  Severity,
  Span,
} from "../core/index.js";
import type { AttemptsTable, RunsTable, SpansTable } from "./schema.js";

/**
 * Records ↔ rows. Optional record fields are stored as NULL and decoded back to absent
 * (not `undefined`-valued) keys, so a round trip is deep-equal even under strict equality.
 */

function parse<T>(text: string): T {
  return JSON.parse(text) as T;
}

export function encodeRun(run: Run): RunsTable {
  return {
    id: run.id,
    pipeline: run.pipeline,
    suite: run.suite,
    config_hash: run.config_hash,
    prompt_version: run.prompt_version ?? null,
    agent_kind: run.agent_kind,
    models: JSON.stringify(run.models),
    seed: run.seed,
    epochs: run.epochs,
    status: run.status,
    started_at: run.started_at,
    finished_at: run.finished_at ?? null,
    purpose: run.purpose,
    totals: run.totals === undefined ? null : JSON.stringify(run.totals),
    config_snapshot: JSON.stringify(run.config_snapshot ?? null),
    case_count: run.case_count,
    threshold: run.threshold ?? null,
  };
}

export function decodeRun(row: RunsTable): Run {
  const run: Run = {
    id: row.id,
    pipeline: row.pipeline,
    suite: row.suite,
    config_hash: row.config_hash,
    agent_kind: row.agent_kind,
    models: parse(row.models),
    seed: row.seed,
    epochs: row.epochs,
    status: row.status as RunStatus,
    started_at: row.started_at,
    purpose: row.purpose as Run["purpose"],
    config_snapshot: parse<JsonValue>(row.config_snapshot),
    case_count: row.case_count,
  };
  if (row.prompt_version !== null) run.prompt_version = row.prompt_version;
  if (row.finished_at !== null) run.finished_at = row.finished_at;
  if (row.totals !== null) run.totals = parse(row.totals);
  if (row.threshold !== null) run.threshold = row.threshold;
  return run;
}

export function encodeAttempt(a: Attempt): AttemptsTable {
  return {
    id: a.id,
    run_id: a.run_id,
    variant: a.variant,
    case_id: a.case_id,
    epoch: a.epoch,
    status: a.status,
    output: a.output,
    messages: JSON.stringify(a.messages),
    tool_calls: JSON.stringify(a.tool_calls),
    side_effects: JSON.stringify(a.side_effects),
    spans: JSON.stringify(a.spans),
    scores: JSON.stringify(a.scores),
    dimension_scores: JSON.stringify(a.dimension_scores),
    overall: a.overall,
    error: a.error === undefined ? null : JSON.stringify(a.error),
    usage: JSON.stringify(a.usage),
    // Estimated counts can be fractional; the exact value stays in `usage`, these are for sums.
    input_tokens: Math.round(a.usage.input_tokens),
    output_tokens: Math.round(a.usage.output_tokens),
    cost_usd: a.cost_usd,
    latency_ms: a.latency_ms,
    retries: a.retries,
    started_at: a.started_at,
    finished_at: a.finished_at,
    tags: JSON.stringify(a.tags),
    severity: a.severity,
    case_hash: a.case_hash ?? null,
  };
}

export function decodeAttempt(row: AttemptsTable): Attempt {
  const attempt: Attempt = {
    id: row.id,
    run_id: row.run_id,
    case_id: row.case_id,
    epoch: row.epoch,
    variant: row.variant,
    status: row.status as AttemptStatus,
    output: row.output,
    messages: parse(row.messages),
    tool_calls: parse(row.tool_calls),
    side_effects: parse(row.side_effects),
    spans: parse(row.spans),
    scores: parse(row.scores),
    dimension_scores: parse(row.dimension_scores),
    overall: row.overall,
    usage: parse(row.usage),
    cost_usd: row.cost_usd,
    latency_ms: row.latency_ms,
    retries: row.retries,
    started_at: row.started_at,
    finished_at: row.finished_at,
    tags: parse(row.tags),
    severity: row.severity as Severity,
  };
  if (row.error !== null) attempt.error = parse(row.error);
  if (row.case_hash !== null) attempt.case_hash = row.case_hash;
  return attempt;
}

export type SpanRow = Omit<SpansTable, "id">;

/** Insert order of the `spans` columns, for the positional prepared statements. */
export const SPAN_COLUMNS = [
  "trace_id",
  "span_id",
  "parent_span_id",
  "name",
  "kind",
  "start_ms",
  "end_ms",
  "attributes",
  "status",
  "events",
  "run_id",
  "attempt_id",
  "source",
] as const satisfies ReadonlyArray<keyof SpanRow>;

/** The columns a span is read back from. */
export type SpanReadRow = Omit<SpanRow, "run_id" | "attempt_id" | "source">;

export function decodeSpan(row: SpanReadRow): Span {
  return {
    trace_id: row.trace_id,
    span_id: row.span_id,
    ...(row.parent_span_id !== null ? { parent_span_id: row.parent_span_id } : {}),
    name: row.name,
    kind: row.kind as Span["kind"],
    start_ms: row.start_ms,
    end_ms: row.end_ms,
    attributes: JSON.parse(row.attributes) as Span["attributes"],
    status: JSON.parse(row.status) as Span["status"],
    events: JSON.parse(row.events) as Span["events"],
    ...(typeof row.resource === "string" ? { resource: JSON.parse(row.resource) } : {}),
    ...(typeof row.scope === "string" ? { scope: JSON.parse(row.scope) } : {}),
    ...(typeof row.links === "string" ? { links: JSON.parse(row.links) } : {}),
  };
}

export function encodeSpan(
  span: Span,
  source: SpansTable["source"],
  runId: string | null,
  attemptId: string | null,
): SpanRow {
  return {
    trace_id: span.trace_id,
    span_id: span.span_id,
    parent_span_id: span.parent_span_id ?? null,
    name: span.name,
    kind: span.kind,
    start_ms: span.start_ms,
    end_ms: span.end_ms,
    attributes: JSON.stringify(span.attributes),
    status: JSON.stringify(span.status),
    events: JSON.stringify(span.events),
    run_id: runId,
    attempt_id: attemptId,
    source,
  };
}
