import type BetterSqlite3 from "better-sqlite3";
import type { JsonValue } from "../core/index.js";
import type { PromptLabelEvent, PromptLabelEventKind } from "./prompts.js";

/**
 * Read-only queries behind `ratchet metrics` (the improvement loop's own health). Each one
 * returns the few columns a metric needs over a time window, so that no metric has to load
 * whole failures, traces or decisions into memory.
 */

/** Signal types of failures that come from evaluation, not from production traffic. */
export const EVAL_SIGNAL_TYPES = ["regression", "eval_failure"] as const;

/** An original (not a duplicate) production failure of severity critical or high. */
export interface SeriousFailureRow {
  id: string;
  severity: string;
  first_seen: string;
  /** Its cluster (the failure's own column, else a membership row), if any. */
  cluster_id: string | null;
}

export interface ProductionFailureRow {
  id: string;
  first_seen: string;
}

export interface DecisionEvidenceRow {
  id: string;
  created_at: string;
  prompt_name: string;
  verdict: string;
  evidence: JsonValue;
}

export interface TraceCoverageCounts {
  total: number;
  withVersion: number;
  withRoot: number;
  withOutcome: number;
  /** Carries a prompt version and its root span arrived. */
  covered: number;
  /** A few uncovered trace ids, newest first, to look at. */
  uncovered: string[];
}

export interface LoopMetricsStore {
  /** Serious production failures first seen at or after `sinceIso` (dismissed ones left out). */
  seriousFailures(sinceIso: string): Promise<SeriousFailureRow[]>;
  /**
   * Production failures of a cluster first seen after `afterIso`: its members, failures whose
   * column names it, and duplicates of its members (a repeat of a member is stored as one).
   */
  clusterFailuresAfter(clusterId: string, afterIso: string): Promise<ProductionFailureRow[]>;
  /** Gate decisions created at or after `sinceIso`, oldest first, with their evidence. */
  decisionsSince(sinceIso: string): Promise<DecisionEvidenceRow[]>;
  /** Every label move of every prompt, oldest first (a revert may follow long after). */
  labelEvents(): Promise<PromptLabelEvent[]>;
  /** Production traces that started at or after `sinceMs`. */
  traceCoverage(sinceMs: number, sample?: number): Promise<TraceCoverageCounts>;
}

const PRODUCTION = `f.signal_type NOT IN (${EVAL_SIGNAL_TYPES.map((t) => `'${t}'`).join(", ")})
  AND f.status != 'dismissed'`;

export class SqliteLoopMetricsStore implements LoopMetricsStore {
  readonly #db: BetterSqlite3.Database;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
  }

  async seriousFailures(sinceIso: string): Promise<SeriousFailureRow[]> {
    return this.#db
      .prepare(
        `SELECT f.id, f.severity, f.first_seen,
           coalesce(f.cluster_id, (SELECT m.cluster_id FROM cluster_members m
             WHERE m.failure_id = f.id ORDER BY m.similarity DESC LIMIT 1)) AS cluster_id
         FROM failures f
         WHERE ${PRODUCTION} AND f.duplicate_of IS NULL
           AND f.severity IN ('critical', 'high') AND f.first_seen >= ?
         ORDER BY f.first_seen, f.id`,
      )
      .all(sinceIso) as SeriousFailureRow[];
  }

  async clusterFailuresAfter(clusterId: string, afterIso: string): Promise<ProductionFailureRow[]> {
    return this.#db
      .prepare(
        `SELECT f.id, f.first_seen FROM failures f
         WHERE ${PRODUCTION} AND f.first_seen > ?
           AND (f.cluster_id = ?
             OR f.id IN (SELECT failure_id FROM cluster_members WHERE cluster_id = ?)
             OR f.duplicate_of IN (SELECT failure_id FROM cluster_members WHERE cluster_id = ?))
         ORDER BY f.first_seen, f.id`,
      )
      .all(afterIso, clusterId, clusterId, clusterId) as ProductionFailureRow[];
  }

  async decisionsSince(sinceIso: string): Promise<DecisionEvidenceRow[]> {
    const rows = this.#db
      .prepare(
        `SELECT id, created_at, prompt_name, verdict, evidence FROM gate_decisions
         WHERE created_at >= ? ORDER BY created_at, id`,
      )
      .all(sinceIso) as Array<Omit<DecisionEvidenceRow, "evidence"> & { evidence: string }>;
    return rows.map((row) => ({ ...row, evidence: JSON.parse(row.evidence) as JsonValue }));
  }

  async labelEvents(): Promise<PromptLabelEvent[]> {
    const rows = this.#db.prepare("SELECT * FROM prompt_label_events ORDER BY id").all() as Array<{
      id: number;
      name: string;
      label: string;
      from_hash: string | null;
      to_hash: string | null;
      kind: string;
      actor: string;
      reason: string | null;
      decision_id: string | null;
      at: string;
    }>;
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      label: r.label,
      ...(r.from_hash !== null ? { from_hash: r.from_hash } : {}),
      ...(r.to_hash !== null ? { to_hash: r.to_hash } : {}),
      kind: r.kind as PromptLabelEventKind,
      actor: r.actor,
      ...(r.reason !== null ? { reason: r.reason } : {}),
      ...(r.decision_id !== null ? { decision_id: r.decision_id } : {}),
      at: r.at,
    }));
  }

  async traceCoverage(sinceMs: number, sample = 5): Promise<TraceCoverageCounts> {
    const counts = this.#db
      .prepare(
        `SELECT count(*) AS total,
           count(prompt_version) AS withVersion,
           count(root_name) AS withRoot,
           count(outcome) AS withOutcome,
           coalesce(sum(prompt_version IS NOT NULL AND root_name IS NOT NULL), 0) AS covered
         FROM traces WHERE started_ms >= ?`,
      )
      .get(sinceMs) as Omit<TraceCoverageCounts, "uncovered">;
    const uncovered = this.#db
      .prepare(
        `SELECT trace_id FROM traces WHERE started_ms >= ?
           AND (prompt_version IS NULL OR root_name IS NULL)
         ORDER BY started_ms DESC, trace_id LIMIT ?`,
      )
      .pluck()
      .all(sinceMs, sample) as string[];
    return { ...counts, uncovered };
  }
}
