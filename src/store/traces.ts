import type Database from "better-sqlite3";
import type { Span } from "../core/index.js";
import { decodeSpan, SPAN_COLUMNS, type SpanReadRow } from "./codec.js";

/**
 * Trace-level attributes carried by each production trace's root span. The mining module
 * reads them; importers and the receiver write them. (Candidates for core's RATCHET names.)
 */
export const TRACE_ATTRIBUTES = {
  outcome: "ratchet.trace.outcome",
  feedbackScore: "ratchet.feedback.score",
  feedbackText: "ratchet.feedback.text",
  feedbackCorrection: "ratchet.feedback.correction",
  sourceFormat: "ratchet.source.format",
  agentName: "ratchet.agent.name",
  /** Set by `ratchet/client`: which prompt version served this request. */
  promptName: "ratchet.prompt.name",
  promptVersion: "ratchet.prompt.version",
  costUsd: "ratchet.cost.usd",
  inputMessages: "gen_ai.input.messages",
  outputMessages: "gen_ai.output.messages",
} as const;

export type TraceOutcome = "success" | "failure" | "error" | "abandoned";
export const TRACE_OUTCOMES: readonly TraceOutcome[] = ["success", "failure", "error", "abandoned"];

export interface TraceSummary {
  trace_id: string;
  started_ms: number;
  ended_ms: number;
  root_name?: string;
  agent?: string;
  outcome?: string;
  feedback_score?: number;
  span_count: number;
  source_format?: string;
  /** ISO time the first span of the trace was stored. */
  ingested_at: string;
  /** The prompt version that served the request, when the application tagged its spans. */
  prompt_name?: string;
  prompt_version?: string;
  /** Spans whose status is `error`. */
  error_spans: number;
  /** Sum of the spans' `ratchet.cost.usd`, when any span carries it. */
  cost_usd?: number;
}

export interface TraceFilter {
  /** Traces that started at or after this time (ms since epoch). */
  since?: number;
  limit?: number;
  outcome?: string;
  /** Traces tagged with this prompt name (`ratchet.prompt.name`). */
  promptName?: string;
  /** Traces of any of these agents. */
  agents?: readonly string[];
}

export interface InsertSpansOptions {
  /** Recorded on the trace row when the root span does not say (`ratchet.source.format`). */
  sourceFormat?: string;
  /** Default: now. */
  ingestedAt?: string;
}

export interface InsertSpansResult {
  inserted: number;
  /** Spans already stored under the same (trace_id, span_id); ignored. */
  duplicates: number;
}

/** Production traces: spans in the `spans` table (source 'production') plus one row per trace. */
export interface TraceStore {
  /** One transaction: every span is stored, or (on error) none is. */
  insertSpans(spans: readonly Span[], options?: InsertSpansOptions): Promise<InsertSpansResult>;
  /** Newest first. */
  listTraces(filter?: TraceFilter): Promise<TraceSummary[]>;
  getTrace(traceId: string): Promise<{ summary: TraceSummary; spans: Span[] } | undefined>;
  /** Oldest first, one trace (summary and spans) at a time; memory bounded by a page. */
  iterateTraces(filter?: TraceFilter): AsyncIterable<{ summary: TraceSummary; spans: Span[] }>;
  countTraces(): Promise<number>;
}

interface TraceRow {
  trace_id: string;
  started_ms: number;
  ended_ms: number;
  root_name: string | null;
  agent: string | null;
  outcome: string | null;
  feedback_score: number | null;
  span_count: number;
  source_format: string | null;
  ingested_at: string;
  prompt_name: string | null;
  prompt_version: string | null;
  error_spans: number;
  cost_usd: number | null;
}

const TRACE_COLUMNS =
  "trace_id, started_ms, ended_ms, root_name, agent, outcome, feedback_score, span_count, source_format, ingested_at, prompt_name, prompt_version, error_spans, cost_usd";

function decodeSummary(row: TraceRow): TraceSummary {
  const s: TraceSummary = {
    trace_id: row.trace_id,
    started_ms: row.started_ms,
    ended_ms: row.ended_ms,
    span_count: row.span_count,
    ingested_at: row.ingested_at,
    error_spans: row.error_spans,
  };
  if (row.root_name !== null) s.root_name = row.root_name;
  if (row.agent !== null) s.agent = row.agent;
  if (row.outcome !== null) s.outcome = row.outcome;
  if (row.feedback_score !== null) s.feedback_score = row.feedback_score;
  if (row.source_format !== null) s.source_format = row.source_format;
  if (row.prompt_name !== null) s.prompt_name = row.prompt_name;
  if (row.prompt_version !== null) s.prompt_version = row.prompt_version;
  if (row.cost_usd !== null) s.cost_usd = row.cost_usd;
  return s;
}

interface Pending {
  started: number;
  ended: number;
  count: number;
  rootName: string | null;
  agent: string | null;
  outcome: string | null;
  score: number | null;
  format: string | null;
  promptName: string | null;
  promptVersion: string | null;
  errors: number;
  cost: number | null;
}

/** Written after SPAN_COLUMNS for production spans (migration 6). */
const OTLP_COLUMNS = ["resource", "scope", "links"] as const;

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

function num(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return null;
}

// Most spans carry a bare status and no events: their JSON is one of a few constants, and
// skipping JSON.stringify for them is measurable on the ingest path.
const BARE_STATUS: Record<string, string> = {
  unset: JSON.stringify({ code: "unset" }),
  ok: JSON.stringify({ code: "ok" }),
  error: JSON.stringify({ code: "error" }),
};

function statusJson(status: Span["status"]): string {
  if (Object.keys(status).length === 1) {
    const bare = BARE_STATUS[status.code];
    if (bare !== undefined) return bare;
  }
  return JSON.stringify(status);
}

/**
 * Versions are kept as `name@hash`, as eval runs record them; an application that tagged the
 * bare hash gets its prompt name put in front.
 */
function qualifiedVersion(name: string | null, version: string | null): string | null {
  if (version === null || name === null || version.includes("@")) return version;
  return `${name}@${version}`;
}

class SqliteTraceStore implements TraceStore {
  readonly #insertSpan: Database.Statement;
  readonly #upsertTrace: Database.Statement;
  readonly #insertBatch: Database.Transaction<
    (spans: readonly Span[], options: InsertSpansOptions) => InsertSpansResult
  >;
  readonly #getSummary: Database.Statement<[string]>;
  readonly #getSpans: Database.Statement<[string]>;
  readonly #count: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly pageSize = 100,
  ) {
    const columns = [...SPAN_COLUMNS, ...OTLP_COLUMNS];
    this.#insertSpan = db.prepare(
      `INSERT INTO spans (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})
       ON CONFLICT (trace_id, span_id) WHERE source = 'production' DO NOTHING`,
    );
    // Spans of one trace may arrive in any order and any number of batches: extend the
    // time range, add the count, and let a root span's fields win once it shows up.
    this.#upsertTrace = db.prepare(
      `INSERT INTO traces (${TRACE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (trace_id) DO UPDATE SET
         started_ms = min(started_ms, excluded.started_ms),
         ended_ms = max(ended_ms, excluded.ended_ms),
         root_name = coalesce(excluded.root_name, root_name),
         agent = coalesce(excluded.agent, agent),
         outcome = coalesce(excluded.outcome, outcome),
         feedback_score = coalesce(excluded.feedback_score, feedback_score),
         span_count = span_count + excluded.span_count,
         source_format = coalesce(excluded.source_format, source_format),
         prompt_name = coalesce(prompt_name, excluded.prompt_name),
         prompt_version = coalesce(prompt_version, excluded.prompt_version),
         error_spans = error_spans + excluded.error_spans,
         cost_usd = CASE WHEN excluded.cost_usd IS NULL THEN cost_usd
           ELSE coalesce(cost_usd, 0) + excluded.cost_usd END`,
    );
    this.#insertBatch = db.transaction((spans, options) => this.#insert(spans, options));
    this.#getSummary = db.prepare(`SELECT ${TRACE_COLUMNS} FROM traces WHERE trace_id = ?`);
    this.#getSpans = db.prepare(
      `SELECT trace_id, span_id, parent_span_id, name, kind, start_ms, end_ms, attributes, status, events,
         ${OTLP_COLUMNS.join(", ")}
       FROM spans WHERE trace_id = ? AND source = 'production' ORDER BY start_ms, id`,
    );
    this.#count = db.prepare("SELECT count(*) FROM traces").pluck();
  }

  #insert(spans: readonly Span[], options: InsertSpansOptions): InsertSpansResult {
    const pending = new Map<string, Pending>();
    let inserted = 0;
    // The spans of one OTLP request part share one resource and one scope object: encode
    // each once.
    let lastResource: Span["resource"];
    let lastResourceJson: string | null = null;
    let lastScope: Span["scope"];
    let lastScopeJson: string | null = null;
    for (const span of spans) {
      if (span.resource !== lastResource) {
        lastResource = span.resource;
        lastResourceJson = span.resource === undefined ? null : JSON.stringify(span.resource);
      }
      if (span.scope !== lastScope) {
        lastScope = span.scope;
        lastScopeJson = span.scope === undefined ? null : JSON.stringify(span.scope);
      }
      // Positional values in SPAN_COLUMNS order, as codec.encodeSpan would give them, without
      // the intermediate row object: this is the hot path of ingestion.
      const { changes } = this.#insertSpan.run(
        span.trace_id,
        span.span_id,
        span.parent_span_id ?? null,
        span.name,
        span.kind,
        span.start_ms,
        span.end_ms,
        JSON.stringify(span.attributes),
        statusJson(span.status),
        span.events.length === 0 ? "[]" : JSON.stringify(span.events),
        null,
        null,
        "production",
        lastResourceJson,
        lastScopeJson,
        span.links === undefined ? null : JSON.stringify(span.links),
      );
      if (changes === 0) continue;
      inserted++;
      let p = pending.get(span.trace_id);
      if (p === undefined) {
        p = {
          started: span.start_ms,
          ended: span.end_ms,
          count: 0,
          rootName: null,
          agent: null,
          outcome: null,
          score: null,
          format: null,
          promptName: null,
          promptVersion: null,
          errors: 0,
          cost: null,
        };
        pending.set(span.trace_id, p);
      }
      p.count++;
      p.started = Math.min(p.started, span.start_ms);
      p.ended = Math.max(p.ended, span.end_ms);
      const a = span.attributes;
      p.agent ??= str(a[TRACE_ATTRIBUTES.agentName]) ?? str(a["gen_ai.agent.name"]);
      p.promptName ??= str(a[TRACE_ATTRIBUTES.promptName]);
      p.promptVersion ??= str(a[TRACE_ATTRIBUTES.promptVersion]);
      if (span.status.code === "error") p.errors++;
      const cost = num(a[TRACE_ATTRIBUTES.costUsd]);
      if (cost !== null) p.cost = (p.cost ?? 0) + cost;
      if (span.parent_span_id === undefined) {
        p.rootName = span.name;
        p.outcome = str(a[TRACE_ATTRIBUTES.outcome]) ?? p.outcome;
        p.score = num(a[TRACE_ATTRIBUTES.feedbackScore]) ?? p.score;
        p.format = str(a[TRACE_ATTRIBUTES.sourceFormat]) ?? p.format;
        p.agent = str(a[TRACE_ATTRIBUTES.agentName]) ?? p.agent;
      }
    }
    const ingestedAt = options.ingestedAt ?? new Date().toISOString();
    for (const [traceId, p] of pending) {
      this.#upsertTrace.run(
        traceId,
        p.started,
        p.ended,
        p.rootName,
        p.agent,
        p.outcome,
        p.score,
        p.count,
        p.format ?? options.sourceFormat ?? null,
        ingestedAt,
        p.promptName,
        qualifiedVersion(p.promptName, p.promptVersion),
        p.errors,
        p.cost,
      );
    }
    return { inserted, duplicates: spans.length - inserted };
  }

  async insertSpans(
    spans: readonly Span[],
    options: InsertSpansOptions = {},
  ): Promise<InsertSpansResult> {
    if (spans.length === 0) return { inserted: 0, duplicates: 0 };
    return this.#insertBatch.immediate(spans, options);
  }

  async listTraces(filter: TraceFilter = {}): Promise<TraceSummary[]> {
    const { where, params } = whereClause(filter);
    const limit = filter.limit === undefined ? -1 : Math.max(0, Math.floor(filter.limit));
    const rows = this.db
      .prepare(
        `SELECT ${TRACE_COLUMNS} FROM traces ${where} ORDER BY started_ms DESC, trace_id DESC LIMIT ?`,
      )
      .all(...params, limit) as TraceRow[];
    return rows.map(decodeSummary);
  }

  async getTrace(traceId: string): Promise<{ summary: TraceSummary; spans: Span[] } | undefined> {
    const row = this.#getSummary.get(traceId) as TraceRow | undefined;
    if (row === undefined) return undefined;
    const spans = (this.#getSpans.all(traceId) as SpanReadRow[]).map(decodeSpan);
    return { summary: decodeSummary(row), spans };
  }

  /** Keyset pages, so the connection is free between pages for writers (as iterateAttempts). */
  async *iterateTraces(
    filter: TraceFilter = {},
  ): AsyncIterable<{ summary: TraceSummary; spans: Span[] }> {
    let remaining = filter.limit === undefined ? Number.POSITIVE_INFINITY : filter.limit;
    let after: { started: number; id: string } | undefined;
    while (remaining > 0) {
      const { where, params } = whereClause(filter, after);
      const page = Math.min(this.pageSize, remaining);
      const rows = this.db
        .prepare(
          `SELECT ${TRACE_COLUMNS} FROM traces ${where} ORDER BY started_ms, trace_id LIMIT ?`,
        )
        .all(...params, page) as TraceRow[];
      for (const row of rows) {
        const spans = (this.#getSpans.all(row.trace_id) as SpanReadRow[]).map(decodeSpan);
        yield { summary: decodeSummary(row), spans };
      }
      remaining -= rows.length;
      const last = rows.at(-1);
      if (rows.length < page || last === undefined) return;
      after = { started: last.started_ms, id: last.trace_id };
    }
  }

  async countTraces(): Promise<number> {
    return Number(this.#count.get());
  }
}

function whereClause(
  filter: TraceFilter,
  after?: { started: number; id: string },
): { where: string; params: Array<string | number> } {
  const parts: string[] = [];
  const params: Array<string | number> = [];
  if (filter.since !== undefined) {
    parts.push("started_ms >= ?");
    params.push(filter.since);
  }
  if (filter.outcome !== undefined) {
    parts.push("outcome = ?");
    params.push(filter.outcome);
  }
  if (filter.promptName !== undefined) {
    parts.push("prompt_name = ?");
    params.push(filter.promptName);
  }
  if (filter.agents !== undefined) {
    parts.push(`agent IN (${filter.agents.map(() => "?").join(", ") || "NULL"})`);
    params.push(...filter.agents);
  }
  if (after !== undefined) {
    parts.push("(started_ms, trace_id) > (?, ?)");
    params.push(after.started, after.id);
  }
  return { where: parts.length ? `WHERE ${parts.join(" AND ")}` : "", params };
}

export function createSqliteTraceStore(db: Database.Database): TraceStore {
  return new SqliteTraceStore(db);
}
