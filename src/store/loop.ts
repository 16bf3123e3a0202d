import type BetterSqlite3 from "better-sqlite3";
import { idByPrefix } from "./id-prefix.js";

/**
 * The optimizer's and the improvement loop's records, kept as JSON documents (their shapes
 * belong to `optimize/` and `loop/`; the store only keys, orders and filters them).
 */
export interface LoopDocument {
  id: string;
  status: string;
}

export interface OptimizationRow<T> {
  id: string;
  created_at: string;
  updated_at: string;
  status: string;
  prompt_name: string;
  cycle_id: string | null;
  doc: T;
}

export interface CycleRow<T> {
  id: string;
  started_at: string;
  updated_at: string;
  status: string;
  phase: string;
  prompt_name: string;
  doc: T;
}

export interface LoopStore {
  /** Insert or replace an optimization's document. */
  saveOptimization<T>(row: OptimizationRow<T>): Promise<void>;
  getOptimization<T>(id: string): Promise<OptimizationRow<T> | undefined>;
  /** A unique id prefix or `latest`. */
  resolveOptimizationId(ref: string): Promise<string | undefined>;
  /** Newest first. */
  listOptimizations<T>(options?: {
    limit?: number;
    cycleId?: string;
  }): Promise<OptimizationRow<T>[]>;
  /** Proposals are written once; a second with the same (optimization, seq) is an error. */
  addProposal<T>(proposal: {
    id: string;
    optimization_id: string;
    seq: number;
    created_at: string;
    verdict: string;
    doc: T;
  }): Promise<void>;
  /** In order of `seq`. */
  proposals<T>(optimizationId: string): Promise<T[]>;
  saveCycle<T>(row: CycleRow<T>): Promise<void>;
  getCycle<T>(id: string): Promise<CycleRow<T> | undefined>;
  resolveCycleId(ref: string): Promise<string | undefined>;
  /** Newest first. */
  listCycles<T>(options?: { limit?: number; status?: string }): Promise<CycleRow<T>[]>;
}

interface RawOptimization extends Omit<OptimizationRow<unknown>, "doc"> {
  doc: string;
}
interface RawCycle extends Omit<CycleRow<unknown>, "doc"> {
  doc: string;
}

export class SqliteLoopStore implements LoopStore {
  readonly #db: BetterSqlite3.Database;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
  }

  async saveOptimization<T>(row: OptimizationRow<T>): Promise<void> {
    this.#upsert(
      "optimizations",
      row,
      ["id", "created_at", "updated_at", "status", "prompt_name", "cycle_id", "doc"],
      ["updated_at", "status", "cycle_id", "doc"],
    );
  }

  async getOptimization<T>(id: string): Promise<OptimizationRow<T> | undefined> {
    return this.#get<RawOptimization, OptimizationRow<T>>("optimizations", id);
  }

  /** Insert a row (its document as JSON), or update the listed columns of the existing one. */
  #upsert<Row extends { doc: unknown }>(
    table: "optimizations" | "cycles",
    row: Row,
    columns: ReadonlyArray<keyof Row & string>,
    updated: ReadonlyArray<keyof Row & string>,
  ): void {
    const values = columns.map((c) => (c === "doc" ? JSON.stringify(row.doc) : row[c]));
    this.#db
      .prepare(
        `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})
         ON CONFLICT (id) DO UPDATE SET ${updated.map((c) => `${c} = excluded.${c}`).join(", ")}`,
      )
      .run(...values);
  }

  /** One row by id, its document parsed. */
  #get<Raw extends { doc: string }, Row>(
    table: "optimizations" | "cycles",
    id: string,
  ): Row | undefined {
    const row = this.#db.prepare(`SELECT * FROM ${table} WHERE id = ?`).get(id) as Raw | undefined;
    return row ? ({ ...row, doc: JSON.parse(row.doc) } as Row) : undefined;
  }

  async resolveOptimizationId(ref: string): Promise<string | undefined> {
    return this.#resolve("optimizations", "created_at", ref);
  }

  /** `latest` by the time column, else an exact id or a unique prefix. */
  #resolve(
    table: "optimizations" | "cycles",
    time: "created_at" | "started_at",
    ref: string,
  ): string | undefined {
    if (ref === "latest") {
      return this.#db
        .prepare(`SELECT id FROM ${table} ORDER BY ${time} DESC, id DESC LIMIT 1`)
        .pluck()
        .get() as string | undefined;
    }
    return idByPrefix(this.#db, table, ref);
  }

  /** Rows newest first, optionally where one column equals a value. */
  #newest<Row>(
    table: "optimizations" | "cycles",
    time: "created_at" | "started_at",
    limit: number,
    where?: { column: "cycle_id" | "status"; value: string },
  ): Row[] {
    const filter = where ? `WHERE ${where.column} = ?` : "";
    const args = where ? [where.value, limit] : [limit];
    return this.#db
      .prepare(`SELECT * FROM ${table} ${filter} ORDER BY ${time} DESC, id DESC LIMIT ?`)
      .all(...args) as Row[];
  }

  async listOptimizations<T>(
    options: { limit?: number; cycleId?: string } = {},
  ): Promise<OptimizationRow<T>[]> {
    return this.#newest<RawOptimization>(
      "optimizations",
      "created_at",
      options.limit ?? 1000,
      options.cycleId ? { column: "cycle_id", value: options.cycleId } : undefined,
    ).map((row) => ({ ...row, doc: JSON.parse(row.doc) as T }));
  }

  async addProposal<T>(proposal: {
    id: string;
    optimization_id: string;
    seq: number;
    created_at: string;
    verdict: string;
    doc: T;
  }): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO optimization_proposals (id, optimization_id, seq, created_at, verdict, doc)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(
        proposal.id,
        proposal.optimization_id,
        proposal.seq,
        proposal.created_at,
        proposal.verdict,
        JSON.stringify(proposal.doc),
      );
  }

  async proposals<T>(optimizationId: string): Promise<T[]> {
    return (
      this.#db
        .prepare("SELECT doc FROM optimization_proposals WHERE optimization_id = ? ORDER BY seq")
        .pluck()
        .all(optimizationId) as string[]
    ).map((doc) => JSON.parse(doc) as T);
  }

  async saveCycle<T>(row: CycleRow<T>): Promise<void> {
    this.#upsert(
      "cycles",
      row,
      ["id", "started_at", "updated_at", "status", "phase", "prompt_name", "doc"],
      ["updated_at", "status", "phase", "doc"],
    );
  }

  async getCycle<T>(id: string): Promise<CycleRow<T> | undefined> {
    return this.#get<RawCycle, CycleRow<T>>("cycles", id);
  }

  async resolveCycleId(ref: string): Promise<string | undefined> {
    return this.#resolve("cycles", "started_at", ref);
  }

  async listCycles<T>(options: { limit?: number; status?: string } = {}): Promise<CycleRow<T>[]> {
    return this.#newest<RawCycle>(
      "cycles",
      "started_at",
      options.limit ?? 1000,
      options.status ? { column: "status", value: options.status } : undefined,
    ).map((row) => ({ ...row, doc: JSON.parse(row.doc) as T }));
  }
}
