import type BetterSqlite3 from "better-sqlite3";
import type { JsonValue } from "../core/index.js";
import { idByPrefix } from "./id-prefix.js";

/** One verdict of the promotion gate with the evidence it saw; written once, never changed. */
export interface GateDecisionRecord {
  id: string;
  created_at: string;
  /** The registry name both sides are versions of. */
  prompt_name: string;
  /** `name@hash` of each side. */
  champion: string;
  challenger: string;
  change_type: string;
  verdict: "promote" | "block" | "inconclusive";
  reasons: string[];
  /** Who ran the gate (a person, CI, the optimizer). */
  actor: string;
  /** Runs whose attempts the verdict used, stored ones reused included. */
  champion_runs: string[];
  challenger_runs: string[];
  /** The whole verdict, settings, rounds and case selection, as rendered by `gate show`. */
  evidence: JsonValue;
}

export interface GateDecisionFilter {
  prompt?: string;
  limit?: number;
}

/** Where a side's stored attempt may be reused from: same config, prompt version and seed. */
export interface ReuseQuery {
  configHash: string;
  promptVersion: string;
  seed: number;
  variants: string[];
  /** Only epochs below this count. */
  epochs: number;
}

/** The key columns of a reusable attempt; the newest comes first for each key. */
export interface ReusableAttempt {
  id: string;
  run_id: string;
  case_id: string;
  epoch: number;
  variant: string;
  case_hash: string;
}

/** Earlier pass/fail outcomes of one case under one prompt version. */
export interface CaseOutcomeRow {
  run_id: string;
  case_id: string;
  epoch: number;
  passed: boolean;
}

export interface GateStore {
  saveDecision(decision: GateDecisionRecord): Promise<void>;
  getDecision(id: string): Promise<GateDecisionRecord | undefined>;
  /** A unique id prefix or `latest` to an id. */
  resolveDecisionId(ref: string): Promise<string | undefined>;
  /** Newest first. */
  listDecisions(filter?: GateDecisionFilter): Promise<GateDecisionRecord[]>;
  /** Passed or failed attempts (never errors) of finished runs matching the query, newest first. */
  reusableAttempts(query: ReuseQuery): Iterable<ReusableAttempt>;
  /** Pass/fail of every graded attempt of runs of this prompt version, ordered by run and case. */
  caseOutcomes(promptVersion: string): Iterable<CaseOutcomeRow>;
}

interface DecisionRow {
  id: string;
  created_at: string;
  prompt_name: string;
  champion: string;
  challenger: string;
  change_type: string;
  verdict: string;
  reasons: string;
  actor: string;
  champion_runs: string;
  challenger_runs: string;
  evidence: string;
}

function decode(row: DecisionRow): GateDecisionRecord {
  return {
    id: row.id,
    created_at: row.created_at,
    prompt_name: row.prompt_name,
    champion: row.champion,
    challenger: row.challenger,
    change_type: row.change_type,
    verdict: row.verdict as GateDecisionRecord["verdict"],
    reasons: JSON.parse(row.reasons) as string[],
    actor: row.actor,
    champion_runs: JSON.parse(row.champion_runs) as string[],
    challenger_runs: JSON.parse(row.challenger_runs) as string[],
    evidence: JSON.parse(row.evidence) as JsonValue,
  };
}

export class SqliteGateStore implements GateStore {
  readonly #db: BetterSqlite3.Database;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
  }

  async saveDecision(d: GateDecisionRecord): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO gate_decisions
          (id, created_at, prompt_name, champion, challenger, change_type, verdict, reasons, actor,
           champion_runs, challenger_runs, evidence)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        d.id,
        d.created_at,
        d.prompt_name,
        d.champion,
        d.challenger,
        d.change_type,
        d.verdict,
        JSON.stringify(d.reasons),
        d.actor,
        JSON.stringify(d.champion_runs),
        JSON.stringify(d.challenger_runs),
        JSON.stringify(d.evidence),
      );
  }

  async getDecision(id: string): Promise<GateDecisionRecord | undefined> {
    const row = this.#db.prepare("SELECT * FROM gate_decisions WHERE id = ?").get(id) as
      | DecisionRow
      | undefined;
    return row ? decode(row) : undefined;
  }

  async resolveDecisionId(ref: string): Promise<string | undefined> {
    if (ref === "latest") {
      return this.#db
        .prepare("SELECT id FROM gate_decisions ORDER BY created_at DESC, id DESC LIMIT 1")
        .pluck()
        .get() as string | undefined;
    }
    return idByPrefix(this.#db, "gate_decisions", ref);
  }

  async listDecisions(filter: GateDecisionFilter = {}): Promise<GateDecisionRecord[]> {
    const where = filter.prompt !== undefined ? "WHERE prompt_name = ?" : "";
    const params: Array<string | number> = filter.prompt !== undefined ? [filter.prompt] : [];
    const rows = this.#db
      .prepare(`SELECT * FROM gate_decisions ${where} ORDER BY created_at DESC, id DESC LIMIT ?`)
      .all(...params, filter.limit ?? 50) as DecisionRow[];
    return rows.map(decode);
  }

  *reusableAttempts(query: ReuseQuery): Iterable<ReusableAttempt> {
    const variants = query.variants.map(() => "?").join(", ");
    const statement = this.#db.prepare(
      `SELECT a.id, a.run_id, a.case_id, a.epoch, a.variant, a.case_hash
         FROM runs r JOIN attempts a ON a.run_id = r.id
        WHERE r.prompt_version = ? AND r.config_hash = ? AND r.seed = ?
          AND r.status IN ('completed', 'interrupted')
          AND a.status IN ('passed', 'failed') AND a.case_hash IS NOT NULL
          AND a.epoch < ? AND a.variant IN (${variants})
        ORDER BY r.started_at DESC, r.id DESC`,
    );
    yield* statement.iterate(
      query.promptVersion,
      query.configHash,
      query.seed,
      query.epochs,
      ...query.variants,
    ) as Iterable<ReusableAttempt>;
  }

  *caseOutcomes(promptVersion: string): Iterable<CaseOutcomeRow> {
    const statement = this.#db.prepare(
      `SELECT a.run_id, a.case_id, a.epoch, a.status = 'passed' AS passed
         FROM runs r JOIN attempts a ON a.run_id = r.id
        WHERE r.prompt_version = ? AND a.status IN ('passed', 'failed')
        ORDER BY a.run_id, a.case_id, a.variant, a.epoch`,
    );
    for (const row of statement.iterate(promptVersion) as Iterable<{
      run_id: string;
      case_id: string;
      epoch: number;
      passed: number;
    }>) {
      yield {
        run_id: row.run_id,
        case_id: row.case_id,
        epoch: row.epoch,
        passed: row.passed === 1,
      };
    }
  }
}
