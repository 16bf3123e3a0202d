import type BetterSqlite3 from "better-sqlite3";
import {
  DIMENSION_COLUMNS,
  hourOf,
  SPEND_COLUMNS,
  SPEND_ROWS_SQL,
  SUM_COLUMNS,
} from "./spend-sql.js";
import type { CostRefreshOptions } from "./types.js";

/** Traces per transaction by default: big enough to amortize, small enough to let writers in. */
const DEFAULT_CHUNK = 2000;

/** The chunk's traces' current rows. */
const CHUNK_ROWS = "temp.cost_chunk k JOIN span_costs c ON c.trace = k.trace";

const list = (columns: readonly string[], prefix = "") =>
  columns.map((c) => `${prefix}${c}`).join(", ");

/**
 * Keeps span_costs and cost_hours true to the spans. A trace is recomputed whole whenever a
 * span of it arrives (spans of one trace come in any number of batches): its old rows' sums
 * are taken out of cost_hours, its rows are rebuilt, and the new sums put back.
 */
export class CostRollups {
  readonly #pending: BetterSqlite3.Statement;
  readonly #waiting: BetterSqlite3.Statement;
  readonly #step: BetterSqlite3.Transaction<(limit: number) => number>;

  constructor(db: BetterSqlite3.Database) {
    // Per connection: the traces one refresh step works on, and their new rows (emptied at the
    // start of each step; a failed step's rows go with its rollback).
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS cost_chunk (
      source TEXT NOT NULL, trace_id TEXT NOT NULL, akey TEXT NOT NULL, trace INTEGER,
      PRIMARY KEY (source, trace_id, akey)) WITHOUT ROWID;
      CREATE TEMP TABLE IF NOT EXISTS cost_new (${list(SPEND_COLUMNS)})`);
    this.#pending = db.prepare("SELECT count(*) FROM cost_dirty").pluck();
    this.#waiting = db.prepare("SELECT EXISTS (SELECT 1 FROM cost_dirty)").pluck();
    const clear = db.prepare("DELETE FROM temp.cost_chunk");
    const clearNew = db.prepare("DELETE FROM temp.cost_new");
    const takeChunk = db.prepare(
      "INSERT INTO temp.cost_chunk (source, trace_id, akey) SELECT source, trace_id, akey FROM cost_dirty LIMIT ?",
    );
    const registerTraces = db.prepare(
      `INSERT OR IGNORE INTO cost_traces (source, trace_id, akey)
       SELECT source, trace_id, akey FROM temp.cost_chunk`,
    );
    const numberChunk = db.prepare(
      `UPDATE temp.cost_chunk SET trace = (SELECT t.id FROM cost_traces t
         WHERE t.source = cost_chunk.source AND t.trace_id = cost_chunk.trace_id
           AND t.akey = cost_chunk.akey)`,
    );
    const addSums = (sign: 1 | -1) =>
      db.prepare(
        `INSERT INTO cost_hours (hour, key, ${list(SUM_COLUMNS)}, spans)
         SELECT ${hourOf("c.start_ms")}, c.key,
           ${SUM_COLUMNS.map((s) => `${sign} * total(c.${s})`).join(", ")}, ${sign} * count(*)
         FROM ${CHUNK_ROWS} WHERE true
         GROUP BY 1, 2
         ON CONFLICT DO UPDATE SET ${SUM_COLUMNS.map((s) => `${s} = ${s} + excluded.${s}`).join(", ")},
           spans = spans + excluded.spans`,
      );
    const subtractOld = addSums(-1);
    const addNew = addSums(1);
    const dropEmptyHours = db.prepare(
      `DELETE FROM cost_hours WHERE spans <= 0
         AND hour IN (SELECT ${hourOf("c.start_ms")} FROM ${CHUNK_ROWS})`,
    );
    const deleteOld = db.prepare(
      "DELETE FROM span_costs WHERE trace IN (SELECT trace FROM temp.cost_chunk)",
    );
    const computeNew = db.prepare(
      `INSERT INTO temp.cost_new (${list(SPEND_COLUMNS)}) ${SPEND_ROWS_SQL}`,
    );
    const registerKeys = db.prepare(
      `INSERT OR IGNORE INTO cost_keys (${list(DIMENSION_COLUMNS)})
       SELECT DISTINCT ${list(DIMENSION_COLUMNS)} FROM temp.cost_new`,
    );
    const insertNew = db.prepare(
      `INSERT INTO span_costs (trace, start_ms, key, ${list(SUM_COLUMNS)})
       SELECT k.trace, n.start_ms, ck.id, ${list(SUM_COLUMNS, "n.")}
       FROM temp.cost_new n
       JOIN temp.cost_chunk k ON k.source = n.source AND k.trace_id = n.trace_id AND k.akey = n.akey
       JOIN cost_keys ck ON ${DIMENSION_COLUMNS.map((d) => `ck.${d} = n.${d}`).join(" AND ")}`,
    );
    const clearDirty = db.prepare(
      `DELETE FROM cost_dirty WHERE (source, trace_id, akey) IN
         (SELECT source, trace_id, akey FROM temp.cost_chunk)`,
    );
    this.#step = db.transaction((limit: number): number => {
      clear.run();
      clearNew.run();
      const taken = takeChunk.run(limit).changes;
      if (taken === 0) return 0;
      registerTraces.run();
      numberChunk.run();
      subtractOld.run();
      dropEmptyHours.run();
      deleteOld.run();
      computeNew.run();
      registerKeys.run();
      insertNew.run();
      addNew.run();
      clearDirty.run();
      return taken;
    });
  }

  pending(): number {
    return this.#pending.get() as number;
  }

  /**
   * Chunk after chunk until nothing waits (or `limit`), the event loop free between chunks so
   * that a server answering from the same process keeps answering through a long backlog.
   */
  async refresh(options: CostRefreshOptions = {}): Promise<number> {
    const chunk = Math.max(1, Math.floor(options.chunk ?? DEFAULT_CHUNK));
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    let done = 0;
    while (done < limit) {
      // Most calls (every report, every look of a keeper) find nothing waiting: that is a read,
      // and must not queue for the write lock behind a receiver's inserts.
      if (this.#waiting.get() === 0) break;
      // IMMEDIATE: the step reads cost_dirty and then writes; taking the write lock first
      // keeps two refreshing processes from deadlocking on the upgrade.
      const taken = this.#step.immediate(Math.min(chunk, limit - done));
      if (taken === 0) break;
      done += taken;
      if (options.onProgress) options.onProgress({ done, left: this.pending() });
      if (taken === chunk && done < limit)
        await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return done;
  }
}
