import type BetterSqlite3 from "better-sqlite3";
import type { JsonValue } from "../core/index.js";
import { idByPrefix } from "./id-prefix.js";

export const EVAL_DRAFT_STATUSES = ["draft", "approved", "rejected", "discarded"] as const;
export type EvalDraftStatus = (typeof EVAL_DRAFT_STATUSES)[number];

/** A drafted regression case; the case, fixture and confirmation are the evalgen module's JSON. */
export interface StoredEvalDraft {
  id: string;
  created_at: string;
  cluster_id: string | null;
  failure_ids: string[];
  case: JsonValue;
  fixture: JsonValue;
  status: EvalDraftStatus;
  reason: string | null;
  reviewer: string | null;
  reviewed_at: string | null;
  target_suite: string | null;
  confirm: JsonValue | null;
  /**
   * sha256 of each suite file (project-relative path) the draft was checked against when it
   * was made, null for a file that did not exist; absent or null on older drafts.
   */
  suite_snapshots?: Record<string, string | null> | null;
}

export interface EvalDraftReview {
  status: EvalDraftStatus;
  reason?: string;
  reviewer?: string;
  reviewed_at?: string;
  target_suite?: string;
  /** The case as approved (owner and severity set), replacing the drafted one. */
  case?: JsonValue;
}

export interface EvalDraftStore {
  save(draft: StoredEvalDraft): Promise<void>;
  get(id: string): Promise<StoredEvalDraft | undefined>;
  /** Full id or a unique prefix (with or without `draft_`). */
  resolveId(ref: string): Promise<string | undefined>;
  /** Oldest first, so a review queue is worked in the order drafts were made. */
  list(filter?: {
    status?: EvalDraftStatus[];
    limit?: number;
    offset?: number;
  }): Promise<StoredEvalDraft[]>;
  /** How many drafts `list` would give without a limit. */
  count(filter?: { status?: EvalDraftStatus[] }): Promise<number>;
  /** Replaces the case (an edit in review); only while the draft is pending. */
  updateCase(id: string, value: JsonValue): Promise<void>;
  /** Sets status, reason, reviewer and target suite at once. */
  review(id: string, review: EvalDraftReview): Promise<StoredEvalDraft>;
}

interface DraftRow {
  id: string;
  created_at: string;
  cluster_id: string | null;
  failure_ids: string;
  case_json: string;
  fixture: string;
  status: string;
  reason: string | null;
  reviewer: string | null;
  reviewed_at: string | null;
  target_suite: string | null;
  confirm: string | null;
  suite_snapshots: string | null;
}

function decode(row: DraftRow): StoredEvalDraft {
  return {
    id: row.id,
    created_at: row.created_at,
    cluster_id: row.cluster_id,
    failure_ids: JSON.parse(row.failure_ids) as string[],
    case: JSON.parse(row.case_json) as JsonValue,
    fixture: JSON.parse(row.fixture) as JsonValue,
    status: row.status as EvalDraftStatus,
    reason: row.reason,
    reviewer: row.reviewer,
    reviewed_at: row.reviewed_at,
    target_suite: row.target_suite,
    confirm: row.confirm === null ? null : (JSON.parse(row.confirm) as JsonValue),
    suite_snapshots:
      row.suite_snapshots === null
        ? null
        : (JSON.parse(row.suite_snapshots) as Record<string, string | null>),
  };
}

export class SqliteEvalDraftStore implements EvalDraftStore {
  readonly #db: BetterSqlite3.Database;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
  }

  async save(d: StoredEvalDraft): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO eval_drafts (id, created_at, cluster_id, failure_ids, case_json, fixture, status, reason, reviewer, reviewed_at, target_suite, confirm, suite_snapshots)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        d.id,
        d.created_at,
        d.cluster_id,
        JSON.stringify(d.failure_ids),
        JSON.stringify(d.case),
        JSON.stringify(d.fixture),
        d.status,
        d.reason,
        d.reviewer,
        d.reviewed_at,
        d.target_suite,
        d.confirm === null ? null : JSON.stringify(d.confirm),
        d.suite_snapshots ? JSON.stringify(d.suite_snapshots) : null,
      );
  }

  async get(id: string): Promise<StoredEvalDraft | undefined> {
    const row = this.#db.prepare("SELECT * FROM eval_drafts WHERE id = ?").get(id) as
      | DraftRow
      | undefined;
    return row ? decode(row) : undefined;
  }

  async resolveId(ref: string): Promise<string | undefined> {
    return idByPrefix(this.#db, "eval_drafts", ref.startsWith("draft_") ? ref : `draft_${ref}`);
  }

  async list(
    filter: { status?: EvalDraftStatus[]; limit?: number; offset?: number } = {},
  ): Promise<StoredEvalDraft[]> {
    const statuses = filter.status ?? [];
    const rows = this.#db
      .prepare(
        `SELECT * FROM eval_drafts ${statusWhere(statuses)} ORDER BY created_at, id LIMIT ? OFFSET ?`,
      )
      .all(...statuses, filter.limit ?? 10_000, filter.offset ?? 0) as DraftRow[];
    return rows.map(decode);
  }

  async count(filter: { status?: EvalDraftStatus[] } = {}): Promise<number> {
    const statuses = filter.status ?? [];
    return this.#db
      .prepare(`SELECT count(*) FROM eval_drafts ${statusWhere(statuses)}`)
      .pluck()
      .get(...statuses) as number;
  }

  async updateCase(id: string, value: JsonValue): Promise<void> {
    this.#db
      .prepare("UPDATE eval_drafts SET case_json = ? WHERE id = ? AND status = 'draft'")
      .run(JSON.stringify(value), id);
  }

  async review(id: string, r: EvalDraftReview): Promise<StoredEvalDraft> {
    this.#db
      .prepare(
        "UPDATE eval_drafts SET status = ?, reason = ?, reviewer = ?, reviewed_at = ?, target_suite = ?, case_json = coalesce(?, case_json) WHERE id = ?",
      )
      .run(
        r.status,
        r.reason ?? null,
        r.reviewer ?? null,
        r.reviewed_at ?? new Date().toISOString(),
        r.target_suite ?? null,
        r.case === undefined ? null : JSON.stringify(r.case),
        id,
      );
    const updated = await this.get(id);
    if (!updated) throw new Error(`eval draft ${id} vanished during review`);
    return updated;
  }
}

function statusWhere(statuses: readonly EvalDraftStatus[]): string {
  return statuses.length > 0 ? `WHERE status IN (${statuses.map(() => "?").join(", ")})` : "";
}
