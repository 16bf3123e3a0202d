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
    this.#db
      .prepare(
        `INSERT INTO optimizations (id, created_at, updated_at, status, prompt_name, cycle_id, doc)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at, status = excluded.status,
           cycle_id = excluded.cycle_id, doc = excluded.doc`,
      )
      .run(
        row.id,
        row.created_at,
        row.updated_at,
        row.status,
        row.prompt_name,
        row.cycle_id,
        JSON.stringify(row.doc),
      );
  }

  async getOptimization<T>(id: string): Promise<OptimizationRow<T> | undefined> {
    const row = this.#db.prepare("SELECT * FROM optimizations WHERE id = ?").get(id) as
      | RawOptimization
      | undefined;
    return row ? { ...row, doc: JSON.parse(row.doc) as T } : undefined;
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
    this.#db
      .prepare(
        `INSERT INTO cycles (id, started_at, updated_at, status, phase, prompt_name, doc)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at, status = excluded.status,
           phase = excluded.phase, doc = excluded.doc`,
      )
      .run(
        row.id,
        row.started_at,
        row.updated_at,
        row.status,
        row.phase,
        row.prompt_name,
        JSON.stringify(row.doc),
      );
  }

  async getCycle<T>(id: string): Promise<CycleRow<T> | undefined> {
    const row = this.#db.prepare("SELECT * FROM cycles WHERE id = ?").get(id) as
      | RawCycle
      | undefined;
    return row ? { ...row, doc: JSON.parse(row.doc) as T } : undefined;
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
