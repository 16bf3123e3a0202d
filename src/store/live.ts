import type BetterSqlite3 from "better-sqlite3";
import { InputError } from "../core/index.js";
import { idByPrefix } from "./id-prefix.js";
import type { LabelMove, PromptLabelEvent } from "./prompts.js";

export type CanaryStatus = "running" | "rolled_back" | "promoted" | "stopped" | "inconclusive";
export const CANARY_STATUSES: readonly CanaryStatus[] = [
  "running",
  "rolled_back",
  "promoted",
  "stopped",
  "inconclusive",
];

/** A canary's row; `doc` (its settings and the test's running state) belongs to `live/`. */
export interface CanaryRow<T> {
  id: string;
  prompt_name: string;
  label: string;
  control_hash: string;
  candidate_hash: string;
  traffic: number;
  status: CanaryStatus;
  /** Traces ingested after this traces rowid belong to the canary's arms. */
  start_seq: number;
  started_at: string;
  ended_at?: string;
  doc: T;
}

export interface LiveEventInput<T> {
  /** Unique per thing that happened: a second insert with the same key changes nothing. */
  key: string;
  kind: string;
  prompt_name?: string;
  canary_id?: string;
  actor: string;
  at: string;
  doc: T;
}

export interface LiveEvent<T> extends LiveEventInput<T> {
  seq: number;
}

export interface LeaseState {
  held: boolean;
  holder: string;
  expires_ms: number;
}

/** How a canary ends: its new status and document, the event, and label moves, all at once. */
export interface CanaryEnding<T, E> {
  id: string;
  status: Exclude<CanaryStatus, "running">;
  ended_at: string;
  doc: T;
  event: LiveEventInput<E>;
  moves: LabelMove[];
}

/** Sum, sum of squares and count of a per-trace metric over one arm. */
export interface ArmMoments {
  version: string;
  n: number;
  sum: number;
  sumSquares: number;
}

export interface LiveStore {
  /** Fails with a clear message when a canary of the same prompt and label is running. */
  startCanary<T, E>(row: CanaryRow<T>, event: LiveEventInput<E>, moves: LabelMove[]): Promise<void>;
  getCanary<T>(id: string): Promise<CanaryRow<T> | undefined>;
  /** A unique id prefix or `latest`. */
  resolveCanaryId(ref: string): Promise<string | undefined>;
  /** Newest first. */
  listCanaries<T>(filter?: { status?: CanaryStatus; promptName?: string }): Promise<CanaryRow<T>[]>;
  /** The running canary of a prompt's label, if any. */
  runningCanary<T>(promptName: string, label: string): Promise<CanaryRow<T> | undefined>;
  /** Rewrites a running canary's document (the test's state after a look). */
  updateCanaryDoc<T>(id: string, doc: T): Promise<void>;
  /**
   * Ends a running canary in one transaction with its event and label moves. Returns false
   * (and changes nothing) when it is no longer running or the event's key is taken: someone
   * else already acted.
   */
  endCanary<T, E>(
    ending: CanaryEnding<T, E>,
  ): Promise<{ ended: boolean; moved: PromptLabelEvent[] }>;
  /**
   * Records an event once, with its label moves; false (and nothing done) when its key was
   * already recorded or, with `expect`, when the label no longer points at that hash.
   */
  recordEvent<E>(
    event: LiveEventInput<E>,
    moves?: LabelMove[],
    expect?: { name: string; label: string; hash: string },
  ): Promise<boolean>;
  hasEvent(key: string): Promise<boolean>;
  /** Oldest first. */
  listEvents<E>(filter?: {
    kind?: string;
    canaryId?: string;
    promptName?: string;
    afterSeq?: number;
    limit?: number;
  }): Promise<LiveEvent<E>[]>;
  /** Takes or renews a lease unless another holder's lease is still valid at `nowMs`. */
  acquireLease(name: string, holder: string, nowMs: number, ttlMs: number): Promise<LeaseState>;
  releaseLease(name: string, holder: string): Promise<void>;
  /** The traces rowid high-water mark: traces ingested later get higher ones. */
  traceSeq(): Promise<number>;
  /**
   * Moments of a per-trace metric for each version of a prompt, over traces ingested after
   * `afterSeq` (and up to `untilSeq`). `metric` is one of `LIVE_METRIC_SQL`'s keys or
   * `score:<name>` for stored live scores.
   */
  armMoments(query: {
    promptName: string;
    versions: string[];
    metric: string;
    afterSeq: number;
    untilSeq?: number;
    /** Traces that started in [fromMs, toMs) only (drift windows). */
    fromMs?: number;
    toMs?: number;
  }): Promise<ArmMoments[]>;
  /** The value at quantile q (0..1) of a metric for one version, nearest rank. */
  armQuantile(query: {
    promptName: string;
    version: string;
    metric: string;
    afterSeq: number;
    q: number;
  }): Promise<number | undefined>;
  /** Traces per version (tagged with this prompt name) after `afterSeq`, unknown ones included. */
  versionCounts(promptName: string, afterSeq: number): Promise<Map<string, number>>;
  /** Traces of a version after `afterSeq` with no stored score for `metric`, oldest first. */
  unscoredTraces(query: {
    promptName: string;
    version: string;
    metric: string;
    afterSeq: number;
    limit: number;
  }): Promise<Array<{ trace_id: string; seq: number }>>;
  saveScore(traceId: string, metric: string, value: number, at: string): Promise<void>;
  /** Trace rowid bounds of ingestion times: the first seq ingested at or after `iso`. */
  seqAt(iso: string): Promise<number>;
}

/** Per-trace values of the built-in live metrics, as SQL over `traces t`. */
export const LIVE_METRIC_SQL: Readonly<Record<string, { value: string; where?: string }>> = {
  error_rate: {
    value: "CASE WHEN t.error_spans > 0 OR t.outcome = 'error' THEN 1.0 ELSE 0.0 END",
  },
  failure_rate: {
    value: `CASE WHEN EXISTS (SELECT 1 FROM failures f WHERE f.trace_id = t.trace_id
      AND f.status != 'dismissed') THEN 1.0 ELSE 0.0 END`,
  },
  correction_rate: {
    value: `CASE WHEN EXISTS (SELECT 1 FROM failures f WHERE f.trace_id = t.trace_id
      AND f.signal_type = 'user_correction' AND f.status != 'dismissed') THEN 1.0 ELSE 0.0 END`,
  },
  latency_ms: { value: "t.ended_ms - t.started_ms" },
  cost_usd: { value: "t.cost_usd", where: "t.cost_usd IS NOT NULL" },
  feedback: { value: "t.feedback_score", where: "t.feedback_score IS NOT NULL" },
};

function metricSql(metric: string): {
  value: string;
  join: string;
  where: string;
  params: string[];
} {
  if (metric.startsWith("score:")) {
    return {
      value: "ls.value",
      join: "JOIN live_scores ls ON ls.trace_id = t.trace_id AND ls.metric = ?",
      where: "",
      params: [metric.slice("score:".length)],
    };
  }
  const known = LIVE_METRIC_SQL[metric];
  if (known === undefined) {
    throw new InputError(
      `unknown live metric '${metric}'; use one of ${Object.keys(LIVE_METRIC_SQL).join(", ")} or judge:<name>`,
    );
  }
  return {
    value: known.value,
    join: "",
    where: known.where ? `AND ${known.where}` : "",
    params: [],
  };
}

interface CanaryDbRow {
  id: string;
  prompt_name: string;
  label: string;
  control_hash: string;
  candidate_hash: string;
  traffic: number;
  status: CanaryStatus;
  start_seq: number;
  started_at: string;
  ended_at: string | null;
  doc: string;
}

function decodeCanary<T>(row: CanaryDbRow): CanaryRow<T> {
  const { ended_at, doc, ...rest } = row;
  return { ...rest, ...(ended_at !== null ? { ended_at } : {}), doc: JSON.parse(doc) as T };
}

interface EventDbRow {
  key: string;
  seq: number;
  kind: string;
  prompt_name: string | null;
  canary_id: string | null;
  actor: string;
  at: string;
  doc: string;
}

/** Label moves in the caller's transaction (the prompt store's nested-transaction entry). */
export type MoveInTransaction = (move: LabelMove) => PromptLabelEvent;

export class SqliteLiveStore implements LiveStore {
  readonly #db: BetterSqlite3.Database;
  readonly #move: MoveInTransaction;

  constructor(db: BetterSqlite3.Database, moveLabel: MoveInTransaction) {
    this.#db = db;
    this.#move = moveLabel;
  }

  #insertEvent<E>(event: LiveEventInput<E>): boolean {
    const seq =
      (this.#db.prepare("SELECT coalesce(max(seq), 0) FROM live_events").pluck().get() as number) +
      1;
    const result = this.#db
      .prepare(
        `INSERT INTO live_events (key, seq, kind, prompt_name, canary_id, actor, at, doc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
      )
      .run(
        event.key,
        seq,
        event.kind,
        event.prompt_name ?? null,
        event.canary_id ?? null,
        event.actor,
        event.at,
        JSON.stringify(event.doc),
      );
    return result.changes > 0;
  }

  async startCanary<T, E>(
    row: CanaryRow<T>,
    event: LiveEventInput<E>,
    moves: LabelMove[],
  ): Promise<void> {
    const run = this.#db.transaction(() => {
      const running = this.#db
        .prepare(
          "SELECT id FROM canaries WHERE prompt_name = ? AND label = ? AND status = 'running'",
        )
        .pluck()
        .get(row.prompt_name, row.label) as string | undefined;
      if (running !== undefined) {
        throw new InputError(
          `a canary of ${row.prompt_name}@${row.label} is already running (${running}); stop it first with \`ratchet canary stop ${row.prompt_name}\``,
        );
      }
      this.#db
        .prepare(
          `INSERT INTO canaries (id, prompt_name, label, control_hash, candidate_hash, traffic,
             status, start_seq, started_at, ended_at, doc)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          row.id,
          row.prompt_name,
          row.label,
          row.control_hash,
          row.candidate_hash,
          row.traffic,
          row.status,
          row.start_seq,
          row.started_at,
          row.ended_at ?? null,
          JSON.stringify(row.doc),
        );
      this.#insertEvent(event);
      for (const move of moves) this.#move(move);
    });
    run.immediate();
  }

  async getCanary<T>(id: string): Promise<CanaryRow<T> | undefined> {
    const row = this.#db.prepare("SELECT * FROM canaries WHERE id = ?").get(id) as
      | CanaryDbRow
      | undefined;
    return row === undefined ? undefined : decodeCanary<T>(row);
  }

  async resolveCanaryId(ref: string): Promise<string | undefined> {
    if (ref === "latest") {
      return this.#db
        .prepare("SELECT id FROM canaries ORDER BY started_at DESC, id DESC LIMIT 1")
        .pluck()
        .get() as string | undefined;
    }
    return idByPrefix(this.#db, "canaries", ref);
  }

  async listCanaries<T>(
    filter: { status?: CanaryStatus; promptName?: string } = {},
  ): Promise<CanaryRow<T>[]> {
    const parts: string[] = [];
    const params: string[] = [];
    if (filter.status !== undefined) {
      parts.push("status = ?");
      params.push(filter.status);
    }
    if (filter.promptName !== undefined) {
      parts.push("prompt_name = ?");
      params.push(filter.promptName);
    }
    const where = parts.length > 0 ? `WHERE ${parts.join(" AND ")}` : "";
    const rows = this.#db
      .prepare(`SELECT * FROM canaries ${where} ORDER BY started_at DESC, id DESC`)
      .all(...params) as CanaryDbRow[];
    return rows.map((row) => decodeCanary<T>(row));
  }

  async runningCanary<T>(promptName: string, label: string): Promise<CanaryRow<T> | undefined> {
    const row = this.#db
      .prepare("SELECT * FROM canaries WHERE prompt_name = ? AND label = ? AND status = 'running'")
      .get(promptName, label) as CanaryDbRow | undefined;
    return row === undefined ? undefined : decodeCanary<T>(row);
  }

  async updateCanaryDoc<T>(id: string, doc: T): Promise<void> {
    this.#db
      .prepare("UPDATE canaries SET doc = ? WHERE id = ? AND status = 'running'")
      .run(JSON.stringify(doc), id);
  }

  async endCanary<T, E>(
    ending: CanaryEnding<T, E>,
  ): Promise<{ ended: boolean; moved: PromptLabelEvent[] }> {
    const run = this.#db.transaction((): { ended: boolean; moved: PromptLabelEvent[] } => {
      const updated = this.#db
        .prepare(
          "UPDATE canaries SET status = ?, ended_at = ?, doc = ? WHERE id = ? AND status = 'running'",
        )
        .run(ending.status, ending.ended_at, JSON.stringify(ending.doc), ending.id);
      if (updated.changes === 0) return { ended: false, moved: [] };
      if (!this.#insertEvent(ending.event)) {
        // Someone recorded this very action already: undo the status change too.
        throw new AlreadyActed();
      }
      return { ended: true, moved: ending.moves.map((move) => this.#move(move)) };
    });
    try {
      return run.immediate();
    } catch (error) {
      if (error instanceof AlreadyActed) return { ended: false, moved: [] };
      throw error;
    }
  }

  async recordEvent<E>(
    event: LiveEventInput<E>,
    moves: LabelMove[] = [],
    expect?: { name: string; label: string; hash: string },
  ): Promise<boolean> {
    const run = this.#db.transaction((): boolean => {
      if (expect !== undefined) {
        const hash = this.#db
          .prepare("SELECT hash FROM prompt_labels WHERE name = ? AND label = ?")
          .pluck()
          .get(expect.name, expect.label);
        if (hash !== expect.hash) return false;
      }
      if (!this.#insertEvent(event)) return false;
      for (const move of moves) this.#move(move);
      return true;
    });
    return run.immediate();
  }

  async hasEvent(key: string): Promise<boolean> {
    return this.#db.prepare("SELECT 1 FROM live_events WHERE key = ?").get(key) !== undefined;
  }

  async listEvents<E>(
    filter: {
      kind?: string;
      canaryId?: string;
      promptName?: string;
      afterSeq?: number;
      limit?: number;
    } = {},
  ): Promise<LiveEvent<E>[]> {
    const parts: string[] = ["seq > ?"];
    const params: Array<string | number> = [filter.afterSeq ?? 0];
    if (filter.kind !== undefined) {
      parts.push("kind = ?");
      params.push(filter.kind);
    }
    if (filter.canaryId !== undefined) {
      parts.push("canary_id = ?");
      params.push(filter.canaryId);
    }
    if (filter.promptName !== undefined) {
      parts.push("prompt_name = ?");
      params.push(filter.promptName);
    }
    const rows = this.#db
      .prepare(`SELECT * FROM live_events WHERE ${parts.join(" AND ")} ORDER BY seq LIMIT ?`)
      .all(...params, filter.limit ?? -1) as EventDbRow[];
    return rows.map((row) => ({
      key: row.key,
      seq: row.seq,
      kind: row.kind,
      ...(row.prompt_name !== null ? { prompt_name: row.prompt_name } : {}),
      ...(row.canary_id !== null ? { canary_id: row.canary_id } : {}),
      actor: row.actor,
      at: row.at,
      doc: JSON.parse(row.doc) as E,
    }));
  }

  async acquireLease(
    name: string,
    holder: string,
    nowMs: number,
    ttlMs: number,
  ): Promise<LeaseState> {
    const run = this.#db.transaction((): LeaseState => {
      const current = this.#db
        .prepare("SELECT holder, expires_ms, ttl_ms FROM live_leases WHERE name = ?")
        .get(name) as { holder: string; expires_ms: number; ttl_ms: number } | undefined;
      // A lease whose expiry lies further ahead than its holder ever asked for (our clock
      // jumped back, or its clock was ahead) counts as expired: it cannot hold others out.
      const stale =
        current === undefined ||
        current.expires_ms <= nowMs ||
        current.expires_ms - nowMs > 2 * current.ttl_ms;
      if (current !== undefined && current.holder !== holder && !stale) {
        return { held: false, holder: current.holder, expires_ms: current.expires_ms };
      }
      const expires = nowMs + ttlMs;
      this.#db
        .prepare(
          `INSERT INTO live_leases (name, holder, acquired_at, expires_ms, ttl_ms) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,
             acquired_at = CASE WHEN holder = excluded.holder THEN acquired_at ELSE excluded.acquired_at END,
             expires_ms = excluded.expires_ms, ttl_ms = excluded.ttl_ms`,
        )
        .run(name, holder, new Date(nowMs).toISOString(), expires, ttlMs);
      return { held: true, holder, expires_ms: expires };
    });
    return run.immediate();
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    this.#db.prepare("DELETE FROM live_leases WHERE name = ? AND holder = ?").run(name, holder);
  }

  async traceSeq(): Promise<number> {
    return (
      (this.#db.prepare("SELECT coalesce(max(rowid), 0) FROM traces").pluck().get() as number) ?? 0
    );
  }

  async armMoments(query: {
    promptName: string;
    versions: string[];
    metric: string;
    afterSeq: number;
    untilSeq?: number;
    fromMs?: number;
    toMs?: number;
  }): Promise<ArmMoments[]> {
    if (query.versions.length === 0) return [];
    const m = metricSql(query.metric);
    const rows = this.#db
      .prepare(
        `SELECT t.prompt_version AS version, count(v) AS n, coalesce(sum(v), 0) AS sum,
           coalesce(sum(v * v), 0) AS sumSquares
         FROM (SELECT t.prompt_version, ${m.value} AS v FROM traces t ${m.join}
           WHERE t.prompt_name = ? AND t.prompt_version IN (${query.versions.map(() => "?").join(", ")})
             AND t.rowid > ? AND t.rowid <= ? AND t.started_ms >= ? AND t.started_ms < ?
             ${m.where}) AS t
         GROUP BY t.prompt_version`,
      )
      .all(
        ...m.params,
        query.promptName,
        ...query.versions,
        query.afterSeq,
        query.untilSeq ?? Number.MAX_SAFE_INTEGER,
        query.fromMs ?? Number.NEGATIVE_INFINITY,
        query.toMs ?? Number.POSITIVE_INFINITY,
      ) as ArmMoments[];
    const byVersion = new Map(rows.map((row) => [row.version, row]));
    return query.versions.map(
      (version) => byVersion.get(version) ?? { version, n: 0, sum: 0, sumSquares: 0 },
    );
  }

  async armQuantile(query: {
    promptName: string;
    version: string;
    metric: string;
    afterSeq: number;
    q: number;
  }): Promise<number | undefined> {
    const m = metricSql(query.metric);
    const from = `FROM traces t ${m.join} WHERE t.prompt_name = ? AND t.prompt_version = ?
      AND t.rowid > ? ${m.where}`;
    const params = [...m.params, query.promptName, query.version, query.afterSeq];
    const n = this.#db
      .prepare(`SELECT count(*) ${from}`)
      .pluck()
      .get(...params) as number;
    if (n === 0) return undefined;
    const rank = Math.min(n - 1, Math.max(0, Math.ceil(query.q * n) - 1));
    return this.#db
      .prepare(`SELECT ${m.value} AS v ${from} ORDER BY v LIMIT 1 OFFSET ?`)
      .pluck()
      .get(...params, rank) as number;
  }

  async versionCounts(promptName: string, afterSeq: number): Promise<Map<string, number>> {
    const rows = this.#db
      .prepare(
        `SELECT prompt_version AS version, count(*) AS n FROM traces
         WHERE prompt_name = ? AND rowid > ? GROUP BY prompt_version`,
      )
      .all(promptName, afterSeq) as Array<{ version: string | null; n: number }>;
    return new Map(rows.map((row) => [row.version ?? "", row.n]));
  }

  async unscoredTraces(query: {
    promptName: string;
    version: string;
    metric: string;
    afterSeq: number;
    limit: number;
  }): Promise<Array<{ trace_id: string; seq: number }>> {
    return this.#db
      .prepare(
        `SELECT t.trace_id, t.rowid AS seq FROM traces t
         WHERE t.prompt_name = ? AND t.prompt_version = ? AND t.rowid > ?
           AND NOT EXISTS (SELECT 1 FROM live_scores s WHERE s.trace_id = t.trace_id AND s.metric = ?)
         ORDER BY t.rowid LIMIT ?`,
      )
      .all(query.promptName, query.version, query.afterSeq, query.metric, query.limit) as Array<{
      trace_id: string;
      seq: number;
    }>;
  }

  async saveScore(traceId: string, metric: string, value: number, at: string): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO live_scores (trace_id, metric, value, scored_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (trace_id, metric) DO NOTHING`,
      )
      .run(traceId, metric, value, at);
  }

  async seqAt(iso: string): Promise<number> {
    const seq = this.#db
      .prepare("SELECT min(rowid) FROM traces WHERE ingested_at >= ?")
      .pluck()
      .get(iso) as number | null;
    return seq === null ? await this.traceSeq() : seq - 1;
  }
}

class AlreadyActed extends Error {}
