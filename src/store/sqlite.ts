import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import {
  type Attempt,
  errorMessage,
  InputError,
  InternalError,
  type JsonValue,
  markPhase,
  type Run,
  type RunStatus,
  type RunTotals,
} from "../core/index.js";
import { SqliteClusterStore } from "./clusters.js";
import {
  decodeAttempt,
  decodeRun,
  encodeAttempt,
  encodeRun,
  encodeSpan,
  SPAN_COLUMNS,
} from "./codec.js";
import { SqliteCostStore } from "./costs/index.js";
import { SqliteEvalDraftStore } from "./eval-drafts.js";
import { SqliteFailureStore } from "./failures.js";
import { SqliteGateStore } from "./gate.js";
import { SqliteJudgeStore } from "./judges.js";
import { SqliteLiveStore } from "./live.js";
import { SqliteLoopStore } from "./loop.js";
import { SqliteLoopMetricsStore } from "./loop-metrics.js";
import { migrate } from "./migrations.js";
import { SqlitePromptStore } from "./prompts.js";
import type { AttemptsTable, Database as Schema } from "./schema.js";
import { SqliteShadowStore } from "./shadows.js";
import { createSqliteTraceStore, type TraceStore } from "./traces.js";
import {
  type AttemptFilter,
  attemptKey,
  type CacheEntry,
  type RunFilter,
  type SaveAttemptOptions,
  type Store,
} from "./types.js";
import { WebQueries } from "./web.js";

export interface SqliteStoreOptions {
  /** How long a write waits for another process's lock before failing. Default 5000 ms. */
  busyTimeoutMs?: number;
  /**
   * `normal` (default, with WAL) makes every resolved write survive a crash of the process;
   * `full` also survives power loss or an OS crash, at the cost of an fsync per write.
   */
  synchronous?: "normal" | "full";
  /**
   * WAL pages (4 KiB) written before SQLite copies them back into the database file. The
   * copy and its fsync are the main cost of a stream of small commits, so the default is
   * 10000 pages (~40 MB) rather than SQLite's 1000: measured ~1.5x attempts/s (bench/store).
   */
  walAutocheckpointPages?: number;
  /** Rows fetched per page by `iterateAttempts`; bounds its memory. Default 256. */
  iterateBatchSize?: number;
}

/** A batch is committed when this many attempts are waiting, whatever their window. */
const GROUP_COMMIT_MAX = 256;

const ATTEMPT_COLUMNS = [
  "id",
  "run_id",
  "variant",
  "case_id",
  "epoch",
  "status",
  "output",
  "messages",
  "tool_calls",
  "side_effects",
  "spans",
  "scores",
  "dimension_scores",
  "overall",
  "error",
  "usage",
  "input_tokens",
  "output_tokens",
  "cost_usd",
  "latency_ms",
  "retries",
  "started_at",
  "finished_at",
  "tags",
  "severity",
  "case_hash",
] as const satisfies ReadonlyArray<keyof AttemptsTable>;

/** Positional parameters: measured ~15% faster than named ones on this hot path. */
function insertSql(table: string, columns: readonly string[], suffix = ""): string {
  return `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns
    .map(() => "?")
    .join(", ")})${suffix}`;
}

function sqliteCode(error: unknown): string | undefined {
  if (error instanceof Database.SqliteError) return error.code;
  return undefined;
}

function isMemoryPath(path: string): boolean {
  return path === ":memory:" || path === "";
}

/** Turn what better-sqlite3 throws while opening into a one-line error that names the file. */
function openError(error: unknown, path: string): Error {
  if (error instanceof InputError) return error;
  const code = sqliteCode(error);
  const detail = errorMessage(error);
  switch (code) {
    case "SQLITE_NOTADB":
      return new InputError(`${path} is not a SQLite database, so it cannot be a Ratchet store`);
    case "SQLITE_CORRUPT":
      return new InputError(`${path} is a corrupt SQLite database: ${detail}`);
    case "SQLITE_CANTOPEN":
    case "SQLITE_READONLY":
    case "SQLITE_PERM":
    case "SQLITE_AUTH":
      return new InputError(`cannot open store ${path}: ${detail}`);
    case "SQLITE_BUSY":
    case "SQLITE_LOCKED":
      return new InputError(`store ${path} is locked by another process: ${detail}`);
    default:
      return new InternalError(`cannot open store ${path}: ${detail}`, { cause: error });
  }
}

/**
 * Open (creating if needed) a SQLite store. Writes go through prepared better-sqlite3
 * statements, synchronously, so each one is committed before its promise resolves;
 * reads go through Kysely.
 */
export async function openSqliteStore(
  path: string,
  options: SqliteStoreOptions = {},
): Promise<Store> {
  const busyTimeoutMs = Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000));
  const synchronous = options.synchronous ?? "normal";
  if (!isMemoryPath(path)) {
    try {
      mkdirSync(dirname(resolve(path)), { recursive: true });
    } catch (error) {
      throw new InputError(`cannot create the directory for store ${path}: ${errorMessage(error)}`);
    }
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: busyTimeoutMs });
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    // The first statement that reads the file: a non-SQLite file fails here.
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${synchronous === "full" ? "FULL" : "NORMAL"}`);
    db.pragma("foreign_keys = ON");
    db.pragma(
      `wal_autocheckpoint = ${Math.max(0, Math.floor(options.walAutocheckpointPages ?? 10_000))}`,
    );
    // Truncate the WAL back to this size after a checkpoint instead of keeping its peak.
    db.pragma("journal_size_limit = 67108864");
    migrate(db, path);
  } catch (error) {
    db?.close();
    throw openError(error, path);
  }
  return new SqliteStore(db, path, options.iterateBatchSize ?? 256);
}

class SqliteStore implements Store {
  readonly failures: SqliteFailureStore;
  readonly costs: SqliteCostStore;
  readonly traces: TraceStore;
  readonly judges: SqliteJudgeStore;
  readonly gate: SqliteGateStore;
  readonly loop: SqliteLoopStore;
  readonly loopMetrics: SqliteLoopMetricsStore;
  readonly live: SqliteLiveStore;
  readonly web: WebQueries;
  readonly clusters: SqliteClusterStore;
  readonly evalDrafts: SqliteEvalDraftStore;
  readonly prompts: SqlitePromptStore;
  readonly shadows: SqliteShadowStore;
  readonly #db: Database.Database;
  readonly #kysely: Kysely<Schema>;
  readonly #path: string;
  readonly #batch: number;
  #closed = false;

  readonly #insertAttempt: Database.Statement;
  readonly #insertSpan: Database.Statement;
  readonly #saveAttempt: Database.Transaction<(attempt: Attempt) => boolean>;
  readonly #saveAttempts: Database.Transaction<(attempts: Attempt[]) => boolean[]>;
  #pending: Array<{
    attempt: Attempt;
    resolve: (inserted: boolean) => void;
    reject: (error: unknown) => void;
  }> = [];
  #cancelFlush: (() => void) | undefined;
  /** When the scheduled commit of the waiting attempts runs (performance.now() time). */
  #flushDueAt: number | undefined;
  #lastFlushAt = Number.NEGATIVE_INFINITY;
  readonly #getCached: Database.Statement<[string, number]>;
  readonly #putCached: Database.Statement;

  constructor(db: Database.Database, path: string, batch: number) {
    this.#db = db;
    this.failures = new SqliteFailureStore(db);
    this.costs = new SqliteCostStore(db);
    this.traces = createSqliteTraceStore(db);
    this.judges = new SqliteJudgeStore(db);
    this.gate = new SqliteGateStore(db);
    this.loop = new SqliteLoopStore(db);
    this.loopMetrics = new SqliteLoopMetricsStore(db);
    this.clusters = new SqliteClusterStore(db);
    this.evalDrafts = new SqliteEvalDraftStore(db);
    this.prompts = new SqlitePromptStore(db);
    this.shadows = new SqliteShadowStore(db);
    this.live = new SqliteLiveStore(db, (move) => this.prompts.moveLabelInTransaction(move));
    this.web = new WebQueries(db);
    this.#path = path;
    this.#batch = Math.max(1, Math.floor(batch));
    this.#kysely = new Kysely<Schema>({ dialect: new SqliteDialect({ database: db }) });

    // Kysely compiles each query afresh; the write path is prepared once (see bench/store).
    this.#insertAttempt = db.prepare(
      insertSql(
        "attempts",
        ATTEMPT_COLUMNS,
        " ON CONFLICT (run_id, case_id, epoch, variant) DO NOTHING",
      ),
    );
    this.#insertSpan = db.prepare(insertSql("spans", SPAN_COLUMNS));
    const insertAttempt = (attempt: Attempt): boolean => {
      const row = encodeAttempt(attempt);
      const { changes } = this.#insertAttempt.run(ATTEMPT_COLUMNS.map((c) => row[c]));
      if (changes === 0) return false;
      for (const span of attempt.spans) {
        const spanRow = encodeSpan(span, "eval", attempt.run_id, attempt.id);
        this.#insertSpan.run(SPAN_COLUMNS.map((c) => spanRow[c]));
      }
      return true;
    };
    this.#saveAttempt = db.transaction(insertAttempt);
    this.#saveAttempts = db.transaction((attempts: Attempt[]): boolean[] =>
      attempts.map(insertAttempt),
    );
    this.#getCached = db.prepare(
      "SELECT value, created_at, expires_at FROM cache WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)",
    );
    this.#putCached = db.prepare(
      `INSERT INTO cache (key, value, created_at, expires_at) VALUES (@key, @value, @created_at, @expires_at)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, created_at = excluded.created_at, expires_at = excluded.expires_at`,
    );
  }

  async createRun(run: Run): Promise<void> {
    try {
      await this.#kysely.insertInto("runs").values(encodeRun(run)).execute();
    } catch (error) {
      if (sqliteCode(error) === "SQLITE_CONSTRAINT_PRIMARYKEY") {
        throw new InternalError(`run ${run.id} already exists in ${this.#path}`);
      }
      throw error;
    }
  }

  async updateRunStatus(id: string, status: RunStatus, finishedAt?: string): Promise<void> {
    const result = await this.#kysely
      .updateTable("runs")
      .set(finishedAt === undefined ? { status } : { status, finished_at: finishedAt })
      .where("id", "=", id)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw this.#noRun(id);
  }

  async finishRun(
    id: string,
    status: RunStatus,
    totals: RunTotals,
    finishedAt: string,
  ): Promise<void> {
    const result = await this.#kysely
      .updateTable("runs")
      .set({ status, totals: JSON.stringify(totals), finished_at: finishedAt })
      .where("id", "=", id)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw this.#noRun(id);
  }

  async getRun(id: string): Promise<Run | undefined> {
    const row = await this.#kysely
      .selectFrom("runs")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    return row === undefined ? undefined : decodeRun(row);
  }

  async listRuns(filter: RunFilter = {}): Promise<Run[]> {
    let query = this.#kysely
      .selectFrom("runs")
      .selectAll()
      .orderBy("started_at", "desc")
      .orderBy("id", "desc");
    if (filter.status !== undefined) query = query.where("status", "=", filter.status);
    if (filter.pipeline !== undefined) query = query.where("pipeline", "=", filter.pipeline);
    if (filter.purposes !== undefined) {
      if (filter.purposes.length === 0) return [];
      query = query.where("purpose", "in", [...filter.purposes]);
    }
    if (filter.limit !== undefined) query = query.limit(Math.max(0, Math.floor(filter.limit)));
    const rows = await query.execute();
    return rows.map(decodeRun);
  }

  /**
   * `latest`, `latest~N` (N runs before the newest, in `runs list` order: confirmation runs
   * left out), a full id, or a
   * prefix of one (with or without `run_`). An ambiguous prefix throws, naming candidates.
   */
  async resolveRunId(ref: string): Promise<string | undefined> {
    const text = ref.trim();
    if (text === "") return undefined;
    const latest = /^latest(?:~(\d+))?$/.exec(text);
    if (latest) {
      const row = await this.#kysely
        .selectFrom("runs")
        .select("id")
        // A draft's confirmation run is nobody's `latest`: `evals draft` would otherwise
        // slip one between a user's two evaluations (`runs compare latest~1 latest`).
        .where("purpose", "<>", "confirmation")
        .orderBy("started_at", "desc")
        .orderBy("id", "desc")
        .limit(1)
        .offset(Number(latest[1] ?? 0))
        .executeTakeFirst();
      return row?.id;
    }
    const exact = await this.#kysely
      .selectFrom("runs")
      .select("id")
      .where("id", "=", text)
      .executeTakeFirst();
    if (exact) return exact.id;
    let matches = await this.#prefixMatches(text);
    if (matches.length === 0 && !text.startsWith("run_")) {
      matches = await this.#prefixMatches(`run_${text}`);
    }
    if (matches.length > 1) {
      const shown = matches.slice(0, 5).join(", ");
      throw new InputError(
        `run id "${text}" is ambiguous: it matches ${shown}${matches.length > 5 ? ", …" : ""}`,
      );
    }
    return matches[0];
  }

  /** Ids sharing a prefix sort contiguously from the prefix itself, so a range scan finds them. */
  async #prefixMatches(prefix: string): Promise<string[]> {
    const rows = await this.#kysely
      .selectFrom("runs")
      .select("id")
      .where("id", ">=", prefix)
      .orderBy("id")
      .limit(6)
      .execute();
    const matches: string[] = [];
    for (const row of rows) {
      if (!row.id.startsWith(prefix)) break;
      matches.push(row.id);
    }
    return matches;
  }

  /**
   * Group commit: attempts waiting together are committed in one write transaction. By
   * default an attempt is committed on the next turn of the event loop, so a caller that
   * awaits each save in turn is never held up. A caller that does not wait on its saves (the
   * runner frees its slot first) passes `commitWithinMs`: the store then commits at most once
   * per that window while attempts keep arriving, or at GROUP_COMMIT_MAX waiting. Each commit
   * writes the touched B-tree pages of every index to the WAL and a batch shares them. Each
   * promise resolves only once its attempt is committed.
   */
  saveAttempt(attempt: Attempt, options: SaveAttemptOptions = {}): Promise<boolean> {
    if (this.#closed) return Promise.reject(new InternalError(`store ${this.#path} is closed`));
    return new Promise<boolean>((resolve, reject) => {
      this.#pending.push({ attempt, resolve, reject });
      if (this.#pending.length >= GROUP_COMMIT_MAX) {
        this.#flushAttempts();
        return;
      }
      const window = Math.max(0, options.commitWithinMs ?? 0);
      // Paced from the last commit, so that a steady stream is committed once per window.
      const dueAt = Math.max(performance.now(), this.#lastFlushAt + window);
      if (this.#flushDueAt !== undefined && this.#flushDueAt <= dueAt) return;
      this.#cancelFlush?.();
      this.#flushDueAt = dueAt;
      const wait = dueAt - performance.now();
      if (wait <= 0) {
        const immediate = setImmediate(() => this.#flushAttempts());
        this.#cancelFlush = () => clearImmediate(immediate);
      } else {
        const timer = setTimeout(() => this.#flushAttempts(), wait);
        this.#cancelFlush = () => clearTimeout(timer);
      }
    });
  }

  #flushAttempts(): void {
    this.#cancelFlush?.();
    this.#cancelFlush = undefined;
    this.#flushDueAt = undefined;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    this.#lastFlushAt = performance.now();
    let results: boolean[] | undefined;
    try {
      results = this.#saveAttempts.immediate(batch.map((entry) => entry.attempt));
    } catch {
      // One bad attempt must not take the others down: save them one by one to find it.
    }
    if (results) {
      for (const [i, entry] of batch.entries()) entry.resolve(results[i] ?? false);
      return;
    }
    for (const entry of batch) {
      try {
        entry.resolve(this.#saveAttempt.immediate(entry.attempt));
      } catch (error) {
        entry.reject(this.#attemptError(entry.attempt, error));
      }
    }
  }

  #attemptError(attempt: Attempt, error: unknown): unknown {
    const code = sqliteCode(error);
    if (code === "SQLITE_CONSTRAINT_FOREIGNKEY") {
      return new InternalError(
        `cannot save attempt ${attempt.id}: run ${attempt.run_id} does not exist in ${this.#path}`,
      );
    }
    if (code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
      return new InternalError(
        `cannot save attempt ${attempt.id}: that id is already used by another attempt`,
      );
    }
    return error;
  }

  async attemptKeys(runId: string): Promise<Set<string>> {
    const rows = await this.#kysely
      .selectFrom("attempts")
      .select(["variant", "case_id", "epoch"])
      .where("run_id", "=", runId)
      .execute();
    return new Set(rows.map((r) => attemptKey(r.variant, r.case_id, r.epoch)));
  }

  /**
   * Keyset pages rather than one open cursor: memory stays bounded by the page size, and
   * the single connection is free between pages, so a consumer may write to the store
   * (save attempts, fill the cache) while iterating without deadlocking on it.
   */
  async *iterateAttempts(runId: string, options: AttemptFilter = {}): AsyncIterable<Attempt> {
    let after: { case_id: string; epoch: number; variant: string } | undefined;
    for (;;) {
      let query = this.#kysely.selectFrom("attempts").selectAll().where("run_id", "=", runId);
      if (options.variant !== undefined) query = query.where("variant", "=", options.variant);
      // Filtered in SQL so that skipped rows are never decoded (a passing run has nothing to show).
      if (options.statuses !== undefined) query = query.where("status", "in", options.statuses);
      if (after !== undefined) {
        const { case_id, epoch, variant } = after;
        query = query.where((eb) =>
          eb(eb.refTuple("case_id", "epoch", "variant"), ">", eb.tuple(case_id, epoch, variant)),
        );
      }
      const rows = await query
        .orderBy("case_id")
        .orderBy("epoch")
        .orderBy("variant")
        .limit(this.#batch)
        .execute();
      for (const row of rows) yield decodeAttempt(row);
      const last = rows.at(-1);
      if (rows.length < this.#batch || last === undefined) return;
      after = { case_id: last.case_id, epoch: last.epoch, variant: last.variant };
    }
  }

  async countAttempts(runId: string): Promise<number> {
    const row = await this.#kysely
      .selectFrom("attempts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("run_id", "=", runId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async getCached(key: string, now: number = Date.now()): Promise<CacheEntry | undefined> {
    const row = this.#getCached.get(key, now) as
      | { value: string; created_at: number; expires_at: number | null }
      | undefined;
    if (row === undefined) return undefined;
    return {
      value: JSON.parse(row.value) as JsonValue,
      created_at: row.created_at,
      expires_at: row.expires_at,
    };
  }

  async putCached(
    key: string,
    value: JsonValue,
    ttlMs: number | null,
    now: number = Date.now(),
  ): Promise<void> {
    const createdAt = Math.floor(now);
    this.#putCached.run({
      key,
      value: JSON.stringify(value),
      created_at: createdAt,
      expires_at: ttlMs === null ? null : createdAt + Math.floor(ttlMs),
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#flushAttempts();
    this.#closed = true;
    try {
      this.#db.pragma("optimize");
      markPhase("store: pragma optimize");
    } finally {
      // Kysely's driver owns closing the shared better-sqlite3 handle.
      await this.#kysely.destroy();
    }
  }

  #noRun(id: string): InternalError {
    return new InternalError(`no run ${id} in ${this.#path}`);
  }
}
