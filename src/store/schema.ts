import type { Generated } from "kysely";

/**
 * Row shapes of the SQLite tables, as Kysely sees them. JSON columns are TEXT holding
 * `JSON.stringify` output; `codec.ts` is the only place that converts rows to records.
 */

export interface RunsTable {
  id: string;
  pipeline: string;
  suite: string;
  config_hash: string;
  prompt_version: string | null;
  agent_kind: string;
  /** JSON string[] */
  models: string;
  seed: number;
  epochs: number;
  status: string;
  started_at: string;
  finished_at: string | null;
  purpose: string;
  /** JSON RunTotals */
  totals: string | null;
  /** JSON */
  config_snapshot: string;
  case_count: number;
  threshold: number | null;
}

export interface AttemptsTable {
  id: string;
  run_id: string;
  variant: string;
  case_id: string;
  epoch: number;
  status: string;
  output: string;
  messages: string;
  tool_calls: string;
  side_effects: string;
  spans: string;
  scores: string;
  dimension_scores: string;
  overall: number;
  error: string | null;
  usage: string;
  /** Copied out of `usage` so that totals can be summed in SQL. */
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  latency_ms: number;
  retries: number;
  started_at: string;
  finished_at: string;
  tags: string;
  severity: string;
  /** sha256 of the case as run; NULL on attempts stored before migration 9. */
  case_hash: string | null;
}

export interface SpansTable {
  /** Rowid alias; spans have no natural key because seeded replays repeat trace ids. */
  id: Generated<number>;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: string;
  start_ms: number;
  end_ms: number;
  attributes: string;
  status: string;
  events: string;
  run_id: string | null;
  attempt_id: string | null;
  source: "eval" | "production";
  /** JSON: the OTLP resource's attributes (migration 6); absent before it and on eval spans. */
  resource?: string | null;
  /** JSON `{name, version?, attributes?}`: the instrumentation scope. */
  scope?: string | null;
  /** JSON `[{trace_id, span_id, attributes?}]`. */
  links?: string | null;
}

export interface CacheTable {
  key: string;
  value: string;
  created_at: number;
  expires_at: number | null;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: string;
}

export interface Database {
  runs: RunsTable;
  attempts: AttemptsTable;
  spans: SpansTable;
  cache: CacheTable;
  schema_migrations: SchemaMigrationsTable;
}
