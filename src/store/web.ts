import type BetterSqlite3 from "better-sqlite3";
import type { Attempt, PairableAttempt, Run } from "../core/index.js";
import { decodeAttempt, decodeRun } from "./codec.js";
import type { AttemptsTable, RunsTable } from "./schema.js";
import { type FailurePageFilter, failurePage } from "./web-failures.js";

/** One group of a run's breakdown (see `WebQueries.breakdown`). */
export interface BreakdownRow {
  by: "severity" | "variant" | "tag";
  key: string;
  attempts: number;
  passed: number;
  score: number;
}

export interface RunPageFilter {
  suite?: string;
  model?: string;
  /** `name@hash` or a prefix of it. */
  version?: string;
  status?: string;
  /** Only runs with one of these purposes (default: every purpose). */
  purposes?: readonly string[];
  limit: number;
  offset: number;
}

export interface AttemptPageFilter {
  runId: string;
  /** `failing` (failed or error), or one status. */
  status?: string;
  /** Case id or output containing this text. */
  search?: string;
  limit: number;
  offset: number;
}

/** A row of an attempts list: no messages, spans or full output (those are per attempt). */
export interface AttemptSummary {
  id: string;
  case_id: string;
  variant: string;
  epoch: number;
  status: string;
  overall: number;
  severity: string;
  latency_ms: number;
  cost_usd: number;
  error?: string;
  output_head: string;
}

/** A gate decision as a list shows it: no evidence (that is per decision). */
export interface DecisionSummary {
  id: string;
  created_at: string;
  prompt_name: string;
  champion: string;
  challenger: string;
  change_type: string;
  verdict: string;
  actor: string;
  /** The first reason, the one a list has room for. */
  reason: string;
}

/** A cycle's row with its document (its shape belongs to `loop/`). */
export interface CycleSummary {
  id: string;
  started_at: string;
  status: string;
  phase: string;
  prompt_name: string;
  doc: unknown;
}

/** A live event (canary start and end, rollbacks, drift…), its document parsed. */
export interface LiveEventRow {
  seq: number;
  kind: string;
  prompt_name: string | null;
  canary_id: string | null;
  actor: string;
  at: string;
  doc: unknown;
}

/** One finished run's pass rate under one prompt version, for the overview's chart. */
export interface PassRatePoint {
  run_id: string;
  started_at: string;
  prompt_version: string;
  pass_rate: number;
  score: number | null;
  cost_usd: number | null;
}

function errorText(stored: string): string {
  try {
    const parsed = JSON.parse(stored) as { class?: string; message?: string };
    return `${parsed.class ?? "error"}: ${parsed.message ?? stored}`;
  } catch {
    return stored;
  }
}

/**
 * Read-only, paged queries for the dashboard, each on an index: runs by start time, a run's
 * attempts failures first (the status index), one attempt by id. Offsets stay small because
 * every list is filtered first and pages are 50 rows.
 */
export class WebQueries {
  constructor(private readonly db: BetterSqlite3.Database) {}

  runs(filter: RunPageFilter): { rows: Run[]; total: number } {
    const parts: string[] = [];
    const params: Array<string | number> = [];
    if (filter.suite) {
      parts.push("suite = ?");
      params.push(filter.suite);
    }
    if (filter.status) {
      parts.push("status = ?");
      params.push(filter.status);
    }
    if (filter.version) {
      parts.push("prompt_version >= ? AND prompt_version < ?");
      params.push(filter.version, `${filter.version}\uffff`);
    }
    if (filter.model) {
      parts.push("EXISTS (SELECT 1 FROM json_each(runs.models) m WHERE m.value = ?)");
      params.push(filter.model);
    }
    if (filter.purposes) {
      parts.push(
        filter.purposes.length === 0
          ? "0"
          : `purpose IN (${filter.purposes.map(() => "?").join(", ")})`,
      );
      params.push(...filter.purposes);
    }
    const where = parts.length > 0 ? `WHERE ${parts.join(" AND ")}` : "";
    const rows = this.db
      .prepare(`SELECT * FROM runs ${where} ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?`)
      .all(...params, filter.limit, filter.offset) as RunsTable[];
    const total = this.db
      .prepare(`SELECT count(*) FROM runs ${where}`)
      .pluck()
      .get(...params) as number;
    return { rows: rows.map(decodeRun), total };
  }

  attempts(filter: AttemptPageFilter): { rows: AttemptSummary[]; total: number } {
    const parts = ["run_id = ?"];
    const params: Array<string | number> = [filter.runId];
    if (filter.status === "failing") parts.push("status IN ('failed', 'error')");
    else if (filter.status) {
      parts.push("status = ?");
      params.push(filter.status);
    }
    if (filter.search) {
      parts.push("(instr(case_id, ?) > 0 OR instr(output, ?) > 0)");
      params.push(filter.search, filter.search);
    }
    const where = parts.join(" AND ");
    // A search reads every output of the run, so it counts in the same pass (a window) rather
    // than a second scan; without one, the count comes from the status index.
    const counted = filter.search !== undefined;
    // The ORDER BY is the expression of the attempts_failures_first index (migration 15).
    const rows = this.db
      .prepare(
        `SELECT id, case_id, variant, epoch, status, overall, severity, latency_ms, cost_usd, error,
           substr(output, 1, 160) AS output_head${counted ? ", count(*) OVER () AS total" : ""}
         FROM attempts WHERE ${where}
         ORDER BY CASE status WHEN 'error' THEN 0 WHEN 'failed' THEN 1 ELSE 2 END, overall, case_id, epoch
         LIMIT ? OFFSET ?`,
      )
      .all(...params, filter.limit, filter.offset) as Array<
      AttemptSummary & { error: string | null; total?: number }
    >;
    const total =
      rows[0]?.total ??
      (this.db
        .prepare(`SELECT count(*) FROM attempts WHERE ${where}`)
        .pluck()
        .get(...params) as number);
    return {
      rows: rows.map(({ error, total: _, ...rest }) => ({
        ...rest,
        ...(error !== null ? { error: errorText(error) } : {}),
      })),
      total,
    };
  }

  /**
   * A run's attempts with just what a paired comparison reads, streamed in rowid order
   * (never the messages, spans or output).
   */
  *pairable(runId: string): Generator<PairableAttempt> {
    const rows = this.db
      .prepare(
        `SELECT id, case_id, epoch, variant, status, overall, dimension_scores, latency_ms, cost_usd
         FROM attempts WHERE run_id = ?`,
      )
      .iterate(runId) as IterableIterator<
      Omit<PairableAttempt, "dimension_scores"> & { dimension_scores: string }
    >;
    for (const row of rows) {
      yield { ...row, dimension_scores: JSON.parse(row.dimension_scores) };
    }
  }

  /**
   * The run of the same suite started before this one, to compare it with: the newest of the
   * same size and purpose when there is one (an optimizer's runs cover slices of a suite,
   * which pair with nothing), else the newest.
   */
  previousRun(
    run: Pick<Run, "id" | "suite" | "started_at" | "case_count" | "purpose">,
  ): string | undefined {
    return this.db
      .prepare(
        `SELECT id FROM runs WHERE suite = ? AND (started_at < ? OR (started_at = ? AND id < ?))
         ORDER BY (case_count = ? AND purpose = ?) DESC, started_at DESC, id DESC LIMIT 1`,
      )
      .pluck()
      .get(run.suite, run.started_at, run.started_at, run.id, run.case_count, run.purpose) as
      | string
      | undefined;
  }

  /** A page of failure ids, ranked as `failures list` ranks them. */
  failures(filter: FailurePageFilter): { ids: string[]; total: number } {
    return failurePage(this.db, filter);
  }

  attempt(id: string): Attempt | undefined {
    const row = this.db.prepare("SELECT * FROM attempts WHERE id = ?").get(id) as
      | AttemptsTable
      | undefined;
    return row === undefined ? undefined : decodeAttempt(row);
  }

  /** A run's attempts counted by status, from the status index. */
  statusCounts(runId: string): Array<{ status: string; n: number }> {
    return this.db
      .prepare("SELECT status, count(*) AS n FROM attempts WHERE run_id = ? GROUP BY status")
      .all(runId) as Array<{ status: string; n: number }>;
  }

  /**
   * A run split by case severity, by variant (model) and by case tag: attempts, passes and
   * the mean score of each group. An attempt does not record which suite file its case came
   * from, so the case's own severity and tags stand in for the suites.
   */
  breakdown(runId: string): BreakdownRow[] {
    return this.db
      .prepare(
        `SELECT 'severity' AS by, severity AS key, count(*) AS attempts,
           sum(status = 'passed') AS passed, avg(overall) AS score
         FROM attempts WHERE run_id = ? GROUP BY severity
         UNION ALL
         SELECT 'variant', variant, count(*), sum(status = 'passed'), avg(overall)
         FROM attempts WHERE run_id = ? GROUP BY variant
         UNION ALL
         SELECT 'tag', t.value, count(*), sum(a.status = 'passed'), avg(a.overall)
         FROM attempts a, json_each(a.tags) t WHERE a.run_id = ? GROUP BY t.value`,
      )
      .all(runId, runId, runId) as BreakdownRow[];
  }

  /** Gate decisions newest first, optionally of one prompt, paged. */
  gateDecisions(filter: { prompt?: string; limit: number; offset: number }): {
    rows: DecisionSummary[];
    total: number;
  } {
    const where = filter.prompt ? "WHERE prompt_name = ?" : "";
    const params = filter.prompt ? [filter.prompt] : [];
    const rows = this.db
      .prepare(
        `SELECT id, created_at, prompt_name, champion, challenger, change_type, verdict, actor,
           coalesce(json_extract(reasons, '$[0]'), '') AS reason
         FROM gate_decisions ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
      )
      .all(...params, filter.limit, filter.offset) as DecisionSummary[];
    const total = this.db
      .prepare(`SELECT count(*) FROM gate_decisions ${where}`)
      .pluck()
      .get(...params) as number;
    return { rows, total };
  }

  /** Improvement cycles newest first, paged. */
  cycles(filter: { limit: number; offset: number }): { rows: CycleSummary[]; total: number } {
    const rows = this.db
      .prepare(
        `SELECT id, started_at, status, phase, prompt_name, doc FROM cycles
         ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?`,
      )
      .all(filter.limit, filter.offset) as Array<CycleSummary & { doc: string }>;
    const total = this.db.prepare("SELECT count(*) FROM cycles").pluck().get() as number;
    return { rows: rows.map((r) => ({ ...r, doc: JSON.parse(r.doc) as unknown })), total };
  }

  /** Live events newest first, paged, optionally of one kind. */
  liveEvents(filter: { kind?: string; limit: number; offset: number }): {
    rows: LiveEventRow[];
    total: number;
  } {
    const where = filter.kind ? "WHERE kind = ?" : "";
    const params = filter.kind ? [filter.kind] : [];
    const rows = this.db
      .prepare(
        `SELECT seq, kind, prompt_name, canary_id, actor, at, doc FROM live_events ${where}
         ORDER BY seq DESC LIMIT ? OFFSET ?`,
      )
      .all(...params, filter.limit, filter.offset) as Array<LiveEventRow & { doc: string }>;
    const total = this.db
      .prepare(`SELECT count(*) FROM live_events ${where}`)
      .pluck()
      .get(...params) as number;
    return { rows: rows.map((r) => ({ ...r, doc: JSON.parse(r.doc) as unknown })), total };
  }

  /** Pass rates of the newest `limit` runs that name a prompt version and have totals, oldest first. */
  /** Evaluation runs only: the optimizer's trial runs of candidates would drown the versions that served. */
  passRates(limit: number): PassRatePoint[] {
    const rows = this.db
      .prepare(
        `SELECT id AS run_id, started_at, prompt_version,
           json_extract(totals, '$.pass_rate') AS pass_rate,
           json_extract(totals, '$.score') AS score,
           json_extract(totals, '$.cost_usd') AS cost_usd
         FROM runs
         WHERE prompt_version IS NOT NULL AND totals IS NOT NULL AND purpose = 'evaluation'
           AND json_extract(totals, '$.pass_rate') IS NOT NULL
         ORDER BY started_at DESC, id DESC LIMIT ?`,
      )
      .all(limit) as PassRatePoint[];
    return rows.reverse();
  }

  /** The improvement cycle whose gate step made this decision, if one did. */
  cycleOfDecision(decisionId: string): string | undefined {
    return this.db
      .prepare(
        "SELECT id FROM cycles WHERE json_extract(doc, '$.gate.decision_id') = ? ORDER BY started_at DESC LIMIT 1",
      )
      .pluck()
      .get(decisionId) as string | undefined;
  }
}
