import type BetterSqlite3 from "better-sqlite3";
import { SPAN_COST_COLUMNS, SPEND_ROWS_SQL } from "./spend-sql.js";
import type { CostRefreshOptions } from "./types.js";

/** The columns of cost_hours that form its key, in primary-key order. */
const HOUR_KEY = [
  "hour",
  "purpose",
  "model",
  "provider",
  "recorded",
  "agent",
  "tool",
  "name",
  "prompt_version",
  "run_id",
  "cycle",
] as const;

const SUMS = ["cost_usd", "input_tokens", "output_tokens", "cached_input_tokens"] as const;

/** Traces per transaction by default: big enough to amortize, small enough to let writers in. */
const DEFAULT_CHUNK = 2000;

const CHUNK_JOIN = `temp.cost_chunk k JOIN span_costs c
  ON c.source = k.source AND c.trace_id = k.trace_id AND c.akey = k.akey`;

/**
 * Keeps span_costs and cost_hours true to the spans. A trace is recomputed whole whenever a
 * span of it arrives (spans of one trace come in any number of batches): its old rows' sums
 * are taken out of cost_hours, its rows are rebuilt, and the new sums put back.
 */
export class CostRollups {
  readonly #pending: BetterSqlite3.Statement;
  readonly #step: BetterSqlite3.Transaction<(limit: number) => number>;

  constructor(db: BetterSqlite3.Database) {
    // Per connection: the traces one refresh step works on.
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS cost_chunk (
      source TEXT NOT NULL, trace_id TEXT NOT NULL, akey TEXT NOT NULL,
      PRIMARY KEY (source, trace_id, akey)) WITHOUT ROWID`);
    this.#pending = db.prepare("SELECT count(*) FROM cost_dirty").pluck();
    const clearChunk = db.prepare("DELETE FROM temp.cost_chunk");
    const takeChunk = db.prepare(
      "INSERT INTO temp.cost_chunk (source, trace_id, akey) SELECT source, trace_id, akey FROM cost_dirty LIMIT ?",
    );
    const addSums = (sign: 1 | -1) =>
      db.prepare(
        `INSERT INTO cost_hours (${HOUR_KEY.join(", ")}, ${SUMS.join(", ")}, spans)
         SELECT ${HOUR_KEY.map((k) => `c.${k}`).join(", ")},
           ${SUMS.map((s) => `${sign} * total(c.${s})`).join(", ")}, ${sign} * count(*)
         FROM ${CHUNK_JOIN} WHERE true
         GROUP BY ${HOUR_KEY.map((k) => `c.${k}`).join(", ")}
         ON CONFLICT DO UPDATE SET ${SUMS.map((s) => `${s} = ${s} + excluded.${s}`).join(", ")},
           spans = spans + excluded.spans`,
      );
    const subtractOld = addSums(-1);
    const addNew = addSums(1);
    const dropEmptyHours = db.prepare(
      `DELETE FROM cost_hours WHERE spans <= 0 AND hour IN (SELECT c.hour FROM ${CHUNK_JOIN})`,
    );
    const deleteOld = db.prepare(
      `DELETE FROM span_costs WHERE rowid IN (SELECT c.rowid FROM ${CHUNK_JOIN})`,
    );
    const insertNew = db.prepare(
      `INSERT INTO span_costs (${SPAN_COST_COLUMNS.join(", ")}) ${SPEND_ROWS_SQL}`,
    );
    const clearDirty = db.prepare(
      `DELETE FROM cost_dirty WHERE (source, trace_id, akey) IN
         (SELECT source, trace_id, akey FROM temp.cost_chunk)`,
    );
    this.#step = db.transaction((limit: number): number => {
      clearChunk.run();
      const taken = takeChunk.run(limit).changes;
      if (taken === 0) return 0;
      subtractOld.run();
      dropEmptyHours.run();
      deleteOld.run();
      insertNew.run();
      addNew.run();
      clearDirty.run();
      clearChunk.run();
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
