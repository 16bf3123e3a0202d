import type BetterSqlite3 from "better-sqlite3";
import type { JsonValue } from "../core/index.js";

/** One comparison of a judge with human labels, stored per judge version. */
export interface JudgeCalibration {
  id?: number;
  /** What the user calls the judge: an assertion name or a model spec. */
  judge: string;
  /** Hash of the judge prompt, model and params (graders' `judgeVersion`). */
  version: string;
  model: string;
  /** `pointwise` or `pairwise`. */
  mode: string;
  labels_file: string;
  /** Hash of the label set's content; absent on calibrations stored before it was kept. */
  labels_hash?: string;
  n: number;
  accuracy: number;
  kappa: number;
  kappa_se: number;
  /** Tuned pass threshold on the normalized score (pointwise with numeric scores). */
  threshold?: number;
  /** What the calibration's judge calls cost. */
  cost_usd: number;
  /** Confusion matrix, per-label scores, flip rate, drift… as computed by the calibrator. */
  details: JsonValue;
  created_at: string;
}

export interface JudgeCalibrationFilter {
  judge?: string;
  version?: string;
  labels_hash?: string;
  limit?: number;
}

export interface JudgeStore {
  saveCalibration(calibration: JudgeCalibration): Promise<number>;
  /** Newest first. */
  listCalibrations(filter?: JudgeCalibrationFilter): Promise<JudgeCalibration[]>;
  /** The newest calibration of exactly this judge version. */
  latestForVersion(version: string): Promise<JudgeCalibration | undefined>;
}

interface Row {
  id: number;
  judge: string;
  version: string;
  model: string;
  mode: string;
  labels_file: string;
  labels_hash: string | null;
  n: number;
  accuracy: number;
  kappa: number;
  kappa_se: number;
  threshold: number | null;
  cost_usd: number;
  details: string;
  created_at: string;
}

function decode(row: Row): JudgeCalibration {
  return {
    id: row.id,
    judge: row.judge,
    version: row.version,
    model: row.model,
    mode: row.mode,
    labels_file: row.labels_file,
    ...(row.labels_hash !== null ? { labels_hash: row.labels_hash } : {}),
    n: row.n,
    accuracy: row.accuracy,
    kappa: row.kappa,
    kappa_se: row.kappa_se,
    ...(row.threshold !== null ? { threshold: row.threshold } : {}),
    cost_usd: row.cost_usd,
    details: JSON.parse(row.details) as JsonValue,
    created_at: row.created_at,
  };
}

export class SqliteJudgeStore implements JudgeStore {
  readonly #db: BetterSqlite3.Database;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
  }

  async saveCalibration(c: JudgeCalibration): Promise<number> {
    const result = this.#db
      .prepare(
        `INSERT INTO judge_calibrations
          (judge, version, model, mode, labels_file, labels_hash, n, accuracy, kappa, kappa_se, threshold, cost_usd, details, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        c.judge,
        c.version,
        c.model,
        c.mode,
        c.labels_file,
        c.labels_hash ?? null,
        c.n,
        c.accuracy,
        c.kappa,
        c.kappa_se,
        c.threshold ?? null,
        c.cost_usd,
        JSON.stringify(c.details),
        c.created_at,
      );
    return Number(result.lastInsertRowid);
  }

  async listCalibrations(filter: JudgeCalibrationFilter = {}): Promise<JudgeCalibration[]> {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (filter.judge !== undefined) {
      where.push("judge = ?");
      params.push(filter.judge);
    }
    if (filter.version !== undefined) {
      where.push("version = ?");
      params.push(filter.version);
    }
    if (filter.labels_hash !== undefined) {
      where.push("labels_hash = ?");
      params.push(filter.labels_hash);
    }
    const sql = `SELECT * FROM judge_calibrations${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, id DESC${filter.limit ? ` LIMIT ${Math.max(1, Math.floor(filter.limit))}` : ""}`;
    return (this.#db.prepare(sql).all(...params) as Row[]).map(decode);
  }

  async latestForVersion(version: string): Promise<JudgeCalibration | undefined> {
    return (await this.listCalibrations({ version, limit: 1 }))[0];
  }
}
