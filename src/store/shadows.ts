import type BetterSqlite3 from "better-sqlite3";
import { idByPrefix } from "./id-prefix.js";

export const SHADOW_STATUSES = ["running", "completed", "failed", "interrupted"] as const;
export type ShadowStatus = (typeof SHADOW_STATUSES)[number];

/**
 * One shadow run (migration 14). The document's shape belongs to `live/shadow/`; the store
 * keys, orders and filters it by the columns beside it.
 */
export interface ShadowRow<T> {
  id: string;
  prompt_name: string;
  challenger_hash: string;
  /** The version the replayed traces were served by; null when they carry none. */
  champion_hash: string | null;
  status: ShadowStatus;
  created_at: string;
  finished_at: string | null;
  doc: T;
}

export interface ShadowFilter {
  promptName?: string;
  challengerHash?: string;
  status?: ShadowStatus;
  limit?: number;
}

export interface ShadowStore {
  /** Insert a shadow run, or replace its status, finish time and document. */
  save<T>(row: ShadowRow<T>): Promise<void>;
  get<T>(id: string): Promise<ShadowRow<T> | undefined>;
  /** `latest`, a full id or a unique prefix (with or without `shadow_`). */
  resolveId(ref: string): Promise<string | undefined>;
  /** Newest first. */
  list<T>(filter?: ShadowFilter): Promise<ShadowRow<T>[]>;
}

interface RawShadow extends Omit<ShadowRow<unknown>, "doc"> {
  doc: string;
}

const decode = <T>(row: RawShadow): ShadowRow<T> => ({ ...row, doc: JSON.parse(row.doc) as T });

export class SqliteShadowStore implements ShadowStore {
  readonly #db: BetterSqlite3.Database;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
  }

  async save<T>(row: ShadowRow<T>): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO shadows (id, prompt_name, challenger_hash, champion_hash, status, created_at, finished_at, doc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, finished_at = excluded.finished_at,
           champion_hash = excluded.champion_hash, doc = excluded.doc`,
      )
      .run(
        row.id,
        row.prompt_name,
        row.challenger_hash,
        row.champion_hash,
        row.status,
        row.created_at,
        row.finished_at,
        JSON.stringify(row.doc),
      );
  }

  async get<T>(id: string): Promise<ShadowRow<T> | undefined> {
    const row = this.#db.prepare("SELECT * FROM shadows WHERE id = ?").get(id) as
      | RawShadow
      | undefined;
    return row ? decode<T>(row) : undefined;
  }

  async resolveId(ref: string): Promise<string | undefined> {
    if (ref === "latest") {
      return this.#db
        .prepare("SELECT id FROM shadows ORDER BY created_at DESC, id DESC LIMIT 1")
        .pluck()
        .get() as string | undefined;
    }
    return idByPrefix(this.#db, "shadows", ref.startsWith("shadow_") ? ref : `shadow_${ref}`);
  }

  async list<T>(filter: ShadowFilter = {}): Promise<ShadowRow<T>[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.promptName !== undefined) {
      where.push("prompt_name = ?");
      args.push(filter.promptName);
    }
    if (filter.challengerHash !== undefined) {
      where.push("challenger_hash = ?");
      args.push(filter.challengerHash);
    }
    if (filter.status !== undefined) {
      where.push("status = ?");
      args.push(filter.status);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
    const rows = this.#db
      .prepare(`SELECT * FROM shadows ${clause} ORDER BY created_at DESC, id DESC LIMIT ?`)
      .all(...args, filter.limit ?? 1000) as RawShadow[];
    return rows.map((row) => decode<T>(row));
  }
}
