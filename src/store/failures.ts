import type BetterSqlite3 from "better-sqlite3";
import {
  FAILURE_STATUSES,
  type Failure,
  type FailureSeverity,
  type FailureSignalType,
  type FailureStatus,
  type FailureTriage,
  InputError,
  type JsonValue,
  newId,
  type Span,
} from "../core/index.js";
import { decodeSpan, type SpanReadRow } from "./codec.js";

/** A failure as a detector produces it; the store assigns id, status, count and score. */
export type NewFailure = Omit<
  Failure,
  "id" | "score" | "status" | "duplicate_of" | "count" | "first_seen" | "last_seen" | "cluster_id"
>;

export type RecordOutcome = "new" | "duplicate" | "existing";

export interface FailureFilter {
  /** ISO time: failures last seen at or after it. */
  since?: string;
  /** Default: new and accepted (dismissed and duplicates are hidden unless asked for). */
  status?: FailureStatus | FailureStatus[];
  type?: FailureSignalType;
  severity?: FailureSeverity;
  /** Top N by score. */
  limit?: number;
}

export interface TriageInput {
  status: FailureStatus;
  by: string;
  note?: string;
  /** Required when status is `duplicate`. */
  duplicate_of?: string;
  at?: string;
}

/** One production trace, its spans in start order. */
export interface StoredTrace {
  trace_id: string;
  spans: Span[];
}

export interface TraceScan {
  /** Only traces with a span starting at or after this (epoch ms). */
  sinceMs?: number;
  /** Only traces with a span whose row id is above this (incremental mining). */
  afterRowId?: number;
  /** Traces fetched per page; bounds memory. Default 256. */
  batch?: number;
}

export interface FailureStore {
  /**
   * Upsert by (trace_id, detector): an existing pair is left as it is (`existing`); a new one
   * whose fingerprint matches an earlier original is stored as its duplicate and raises the
   * original's count (`duplicate`); otherwise it is a `new` original.
   */
  record(failure: NewFailure): Promise<{ failure: Failure; outcome: RecordOutcome }>;
  /** `record` for many, in one transaction (one commit instead of one per failure). */
  recordMany(failures: NewFailure[]): Promise<RecordOutcome[]>;
  get(id: string): Promise<Failure | undefined>;
  /** Full id or a unique prefix (with or without `fail_`). Ambiguous prefixes throw. */
  resolveId(ref: string): Promise<string | undefined>;
  /** Highest score first. */
  list(filter?: FailureFilter): Promise<Failure[]>;
  /** Same order as `list`, in keyset pages. */
  iterate(filter?: FailureFilter): AsyncIterable<Failure>;
  /** Failures linked to `id` as its duplicates, oldest first. */
  duplicates(id: string): Promise<Failure[]>;
  /** Appends to the history and sets the current status; returns the updated failure. */
  triage(id: string, input: TriageInput): Promise<Failure>;
  /** Oldest first; never rewritten. */
  history(id: string): Promise<FailureTriage[]>;
  setCluster(id: string, clusterId: string | null): Promise<void>;

  /** Production traces grouped by trace_id, streamed in trace_id order. */
  iterateTraces(scan?: TraceScan): AsyncIterable<StoredTrace>;
  /** Highest spans row id, for the next incremental pass. */
  maxSpanRowId(): Promise<number>;
  miningCursor(name?: string): Promise<number>;
  setMiningCursor(rowId: number, name?: string): Promise<void>;
}

/**
 * Recurrence raises rank with diminishing returns: 1 sighting ×1, 2 ×2, 4 ×3, 8 ×4.
 * Kept here because the store recomputes the score whenever a duplicate is linked.
 */
export function recurrenceFactor(count: number): number {
  return 1 + Math.log2(Math.max(1, count));
}

export function failureScore(baseScore: number, count: number): number {
  return Math.round(baseScore * recurrenceFactor(count) * 1e6) / 1e6;
}

interface FailureRow {
  id: string;
  trace_id: string;
  detector: string;
  signal_type: string;
  severity: string;
  weight: number;
  base_score: number;
  score: number;
  timestamp: string;
  agent: string | null;
  input: string;
  output: string;
  tool_calls: string;
  error: string | null;
  reason: string;
  context: string;
  redacted_text: string;
  fingerprint: string;
  cluster_id: string | null;
  status: string;
  duplicate_of: string | null;
  count: number;
  first_seen: string;
  last_seen: string;
}

const COLUMNS = [
  "id",
  "trace_id",
  "detector",
  "signal_type",
  "severity",
  "weight",
  "base_score",
  "score",
  "timestamp",
  "agent",
  "input",
  "output",
  "tool_calls",
  "error",
  "reason",
  "context",
  "redacted_text",
  "fingerprint",
  "cluster_id",
  "status",
  "duplicate_of",
  "count",
  "first_seen",
  "last_seen",
] as const satisfies ReadonlyArray<keyof FailureRow>;

function decode(row: FailureRow): Failure {
  const failure: Failure = {
    id: row.id,
    trace_id: row.trace_id,
    detector: row.detector,
    signal_type: row.signal_type as FailureSignalType,
    severity: row.severity as FailureSeverity,
    weight: row.weight,
    base_score: row.base_score,
    score: row.score,
    timestamp: row.timestamp,
    input: row.input,
    output: row.output,
    tool_calls: JSON.parse(row.tool_calls) as Failure["tool_calls"],
    reason: row.reason,
    context: JSON.parse(row.context) as Record<string, JsonValue>,
    redacted_text: row.redacted_text,
    fingerprint: row.fingerprint,
    cluster_id: row.cluster_id,
    status: row.status as FailureStatus,
    duplicate_of: row.duplicate_of,
    count: row.count,
    first_seen: row.first_seen,
    last_seen: row.last_seen,
  };
  if (row.agent !== null) failure.agent = row.agent;
  if (row.error !== null) failure.error = row.error;
  return failure;
}

function encode(f: Failure): FailureRow {
  return {
    ...f,
    agent: f.agent ?? null,
    error: f.error ?? null,
    tool_calls: JSON.stringify(f.tool_calls),
    context: JSON.stringify(f.context),
  };
}

function statusList(status: FailureFilter["status"]): FailureStatus[] {
  if (status === undefined) return ["new", "accepted"];
  return Array.isArray(status) ? status : [status];
}

export class SqliteFailureStore implements FailureStore {
  readonly #db: BetterSqlite3.Database;
  readonly #insert: BetterSqlite3.Statement;
  readonly #byKey: BetterSqlite3.Statement<[string, string]>;
  readonly #byId: BetterSqlite3.Statement<[string]>;
  readonly #original: BetterSqlite3.Statement<[string]>;
  readonly #bump: BetterSqlite3.Statement;
  readonly #history: BetterSqlite3.Statement;
  readonly #record: BetterSqlite3.Transaction<
    (f: NewFailure) => { failure: Failure; outcome: RecordOutcome }
  >;
  readonly #recordMany: BetterSqlite3.Transaction<(list: NewFailure[]) => RecordOutcome[]>;
  readonly #triage: BetterSqlite3.Transaction<(id: string, input: TriageInput) => Failure>;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT INTO failures (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map(() => "?").join(", ")})`,
    );
    this.#byKey = db.prepare("SELECT * FROM failures WHERE trace_id = ? AND detector = ?");
    this.#byId = db.prepare("SELECT * FROM failures WHERE id = ?");
    // The earliest original with this fingerprint; duplicates always point at an original.
    this.#original = db.prepare(
      "SELECT * FROM failures WHERE fingerprint = ? AND duplicate_of IS NULL ORDER BY first_seen, id LIMIT 1",
    );
    this.#bump = db.prepare("UPDATE failures SET count = ?, score = ?, last_seen = ? WHERE id = ?");
    this.#history = db.prepare(
      "INSERT INTO failure_triage (failure_id, status, triaged_by, at, note, duplicate_of) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.#record = db.transaction((input: NewFailure) => {
      const existing = this.#byKey.get(input.trace_id, input.detector) as FailureRow | undefined;
      if (existing) return { failure: decode(existing), outcome: "existing" as const };
      const original = this.#original.get(input.fingerprint) as FailureRow | undefined;
      const failure: Failure = {
        ...input,
        id: newId("fail", Date.parse(input.timestamp) || Date.now()),
        score: failureScore(input.base_score, 1),
        status: original ? "duplicate" : "new",
        duplicate_of: original?.id ?? null,
        count: 1,
        cluster_id: null,
        first_seen: input.timestamp,
        last_seen: input.timestamp,
      };
      const row = encode(failure);
      this.#insert.run(COLUMNS.map((c) => row[c]));
      if (original) {
        this.#appendHistory(failure.id, {
          status: "duplicate",
          by: "ratchet",
          note: "same signal type and fingerprint",
          duplicate_of: original.id,
          at: new Date().toISOString(),
        });
        // Incremental, not a recount: a popular failure gains thousands of duplicates.
        const count = original.count + 1;
        this.#bump.run(
          count,
          failureScore(original.base_score, count),
          failure.timestamp > original.last_seen ? failure.timestamp : original.last_seen,
          original.id,
        );
        return { failure, outcome: "duplicate" as const };
      }
      return { failure, outcome: "new" as const };
    });
    const recordOne = this.#record;
    // Nested transactions become savepoints, so each failure still records atomically.
    this.#recordMany = db.transaction((list: NewFailure[]) =>
      list.map((f) => recordOne(f).outcome),
    );
    this.#triage = db.transaction((id: string, input: TriageInput) => {
      const row = this.#byId.get(id) as FailureRow | undefined;
      if (!row) throw new InputError(`no failure ${id} (try \`ratchet failures list\`)`);
      if (!FAILURE_STATUSES.includes(input.status)) {
        throw new InputError(
          `triage status must be one of ${FAILURE_STATUSES.join(", ")}, got '${input.status}'`,
        );
      }
      let duplicateOf: string | null = null;
      if (input.status === "duplicate") {
        if (!input.duplicate_of) {
          throw new InputError("marking a failure duplicate needs the failure it duplicates", {
            key: "--of",
          });
        }
        const target = this.#byId.get(input.duplicate_of) as FailureRow | undefined;
        if (!target) throw new InputError(`no failure ${input.duplicate_of}`, { key: "--of" });
        // Point at the original so that chains never form.
        duplicateOf = target.duplicate_of ?? target.id;
        if (duplicateOf === id) {
          throw new InputError("a failure cannot be a duplicate of itself", { key: "--of" });
        }
      }
      const at = input.at ?? new Date().toISOString();
      this.#appendHistory(id, {
        status: input.status,
        by: input.by,
        at,
        ...(input.note !== undefined ? { note: input.note } : {}),
        ...(duplicateOf ? { duplicate_of: duplicateOf } : {}),
      });
      const previousOriginal = row.duplicate_of;
      db.prepare("UPDATE failures SET status = ?, duplicate_of = ? WHERE id = ?").run(
        input.status,
        input.status === "duplicate" ? duplicateOf : null,
        id,
      );
      if (input.status === "duplicate" && duplicateOf) {
        // Its own duplicates follow it to the new original.
        db.prepare("UPDATE failures SET duplicate_of = ? WHERE duplicate_of = ?").run(
          duplicateOf,
          id,
        );
        this.#recount(duplicateOf);
      }
      if (previousOriginal && previousOriginal !== duplicateOf) this.#recount(previousOriginal);
      this.#recount(id);
      return decode(this.#byId.get(id) as FailureRow);
    });
  }

  #appendHistory(id: string, entry: Omit<FailureTriage, "failure_id">): void {
    this.#history.run(
      id,
      entry.status,
      entry.by,
      entry.at,
      entry.note ?? null,
      entry.duplicate_of ?? null,
    );
  }

  /** count = 1 + linked duplicates; last_seen = newest of them; score follows count. */
  #recount(id: string): void {
    const row = this.#byId.get(id) as FailureRow | undefined;
    if (!row) return;
    const agg = this.#db
      .prepare(
        "SELECT COUNT(*) AS n, MAX(timestamp) AS last FROM failures WHERE duplicate_of = ? AND status = 'duplicate'",
      )
      .get(id) as { n: number; last: string | null };
    const count = row.duplicate_of === null ? 1 + agg.n : 1;
    const last = agg.last !== null && agg.last > row.timestamp ? agg.last : row.timestamp;
    this.#db
      .prepare("UPDATE failures SET count = ?, score = ?, last_seen = ? WHERE id = ?")
      .run(count, failureScore(row.base_score, count), last, id);
  }

  async record(failure: NewFailure): Promise<{ failure: Failure; outcome: RecordOutcome }> {
    return this.#record.immediate(failure);
  }

  async recordMany(failures: NewFailure[]): Promise<RecordOutcome[]> {
    return this.#recordMany.immediate(failures);
  }

  async get(id: string): Promise<Failure | undefined> {
    const row = this.#byId.get(id) as FailureRow | undefined;
    return row ? decode(row) : undefined;
  }

  async resolveId(ref: string): Promise<string | undefined> {
    const text = ref.trim();
    if (text === "") return undefined;
    if (this.#byId.get(text)) return text;
    const prefix = text.startsWith("fail_") ? text : `fail_${text}`;
    const ids = this.#db
      .prepare("SELECT id FROM failures WHERE id >= ? ORDER BY id LIMIT 6")
      .pluck()
      .all(prefix) as string[];
    const matches = ids.filter((id) => id.startsWith(prefix));
    if (matches.length > 1) {
      throw new InputError(
        `failure id "${text}" is ambiguous: it matches ${matches.slice(0, 5).join(", ")}${matches.length > 5 ? ", …" : ""}`,
      );
    }
    return matches[0];
  }

  #where(filter: FailureFilter): { sql: string; params: unknown[] } {
    const statuses = statusList(filter.status);
    const clauses = [`status IN (${statuses.map(() => "?").join(", ")})`];
    const params: unknown[] = [...statuses];
    if (filter.since !== undefined) {
      clauses.push("last_seen >= ?");
      params.push(filter.since);
    }
    if (filter.type !== undefined) {
      clauses.push("signal_type = ?");
      params.push(filter.type);
    }
    if (filter.severity !== undefined) {
      clauses.push("severity = ?");
      params.push(filter.severity);
    }
    return { sql: clauses.join(" AND "), params };
  }

  async list(filter: FailureFilter = {}): Promise<Failure[]> {
    const { sql, params } = this.#where(filter);
    const limit = filter.limit === undefined ? -1 : Math.max(0, Math.floor(filter.limit));
    const rows = this.#db
      .prepare(`SELECT * FROM failures WHERE ${sql} ORDER BY score DESC, id LIMIT ?`)
      .all(...params, limit) as FailureRow[];
    return rows.map(decode);
  }

  async *iterate(filter: FailureFilter = {}): AsyncIterable<Failure> {
    const { sql, params } = this.#where(filter);
    const page = 256;
    let remaining = filter.limit ?? Number.POSITIVE_INFINITY;
    let after: { score: number; id: string } | undefined;
    while (remaining > 0) {
      const keyset = after ? " AND (score < ? OR (score = ? AND id > ?))" : "";
      const keyParams = after ? [after.score, after.score, after.id] : [];
      const rows = this.#db
        .prepare(`SELECT * FROM failures WHERE ${sql}${keyset} ORDER BY score DESC, id LIMIT ?`)
        .all(...params, ...keyParams, Math.min(page, remaining)) as FailureRow[];
      for (const row of rows) yield decode(row);
      remaining -= rows.length;
      const last = rows.at(-1);
      if (!last || rows.length < page) return;
      after = { score: last.score, id: last.id };
    }
  }

  async duplicates(id: string): Promise<Failure[]> {
    const rows = this.#db
      .prepare("SELECT * FROM failures WHERE duplicate_of = ? ORDER BY timestamp, id")
      .all(id) as FailureRow[];
    return rows.map(decode);
  }

  async triage(id: string, input: TriageInput): Promise<Failure> {
    return this.#triage.immediate(id, input);
  }

  async history(id: string): Promise<FailureTriage[]> {
    const rows = this.#db
      .prepare(
        "SELECT failure_id, status, triaged_by, at, note, duplicate_of FROM failure_triage WHERE failure_id = ? ORDER BY id",
      )
      .all(id) as Array<{
      failure_id: string;
      status: string;
      triaged_by: string;
      at: string;
      note: string | null;
      duplicate_of: string | null;
    }>;
    return rows.map((r) => ({
      failure_id: r.failure_id,
      status: r.status as FailureStatus,
      by: r.triaged_by,
      at: r.at,
      ...(r.note !== null ? { note: r.note } : {}),
      ...(r.duplicate_of !== null ? { duplicate_of: r.duplicate_of } : {}),
    }));
  }

  async setCluster(id: string, clusterId: string | null): Promise<void> {
    this.#db.prepare("UPDATE failures SET cluster_id = ? WHERE id = ?").run(clusterId, id);
  }

  /**
   * Keyset pages of trace ids (walking the spans_trace index), then one query for the spans
   * of the page: memory is bounded by the page, never the whole table, and the connection is
   * free between pages so the consumer can record failures as it goes.
   */
  async *iterateTraces(scan: TraceScan = {}): AsyncIterable<StoredTrace> {
    const batch = Math.max(1, Math.floor(scan.batch ?? 256));
    const filters = ["source = 'production'"];
    const filterParams: number[] = [];
    if (scan.sinceMs !== undefined) {
      filters.push("start_ms >= ?");
      filterParams.push(scan.sinceMs);
    }
    if (scan.afterRowId !== undefined) {
      filters.push("id > ?");
      filterParams.push(scan.afterRowId);
    }
    const idsQuery = this.#db
      .prepare(
        `SELECT DISTINCT trace_id FROM spans WHERE trace_id > ? AND ${filters.join(" AND ")} ORDER BY trace_id LIMIT ?`,
      )
      .pluck();
    let after = "";
    for (;;) {
      const ids = idsQuery.all(after, ...filterParams, batch) as string[];
      if (ids.length === 0) return;
      const rows = this.#db
        .prepare(
          `SELECT trace_id, span_id, parent_span_id, name, kind, start_ms, end_ms, attributes, status, events
           FROM spans WHERE source = 'production' AND trace_id IN (${ids.map(() => "?").join(", ")})
           ORDER BY trace_id, start_ms, id`,
        )
        .all(...ids) as SpanReadRow[];
      let current: StoredTrace | undefined;
      for (const row of rows) {
        if (current?.trace_id !== row.trace_id) {
          if (current) yield current;
          current = { trace_id: row.trace_id, spans: [] };
        }
        current.spans.push(decodeSpan(row));
      }
      if (current) yield current;
      if (ids.length < batch) return;
      after = ids.at(-1) as string;
    }
  }

  async maxSpanRowId(): Promise<number> {
    const max = this.#db.prepare("SELECT MAX(id) FROM spans").pluck().get() as number | null;
    return max ?? 0;
  }

  async miningCursor(name = "default"): Promise<number> {
    const value = this.#db
      .prepare("SELECT span_rowid FROM mining_cursor WHERE name = ?")
      .pluck()
      .get(name) as number | undefined;
    return value ?? 0;
  }

  async setMiningCursor(rowId: number, name = "default"): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO mining_cursor (name, span_rowid, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET span_rowid = excluded.span_rowid, updated_at = excluded.updated_at`,
      )
      .run(name, Math.floor(rowId), new Date().toISOString());
  }
}
