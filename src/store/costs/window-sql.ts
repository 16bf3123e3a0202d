import { HOUR_MS, hourOf, SUM_COLUMNS } from "./spend-sql.js";
import type { CostDimension, CostQuery } from "./types.js";

/** Each report dimension over cost_keys (k), given the row's hour expression. */
function dimensionSql(d: CostDimension, hour: string): string {
  if (d === "day") return `date(${hour} * 3600, 'unixepoch')`;
  return `k.${d === "span" ? "name" : d === "run" ? "run_id" : d}`;
}

const ALWAYS = ["purpose", "model", "provider", "recorded"] as const;

interface Range {
  from?: number;
  to?: number;
}

/**
 * The window cut in two kinds of pieces: whole UTC hours (read from cost_hours) and the
 * partial hours at its ends (read span by span from span_costs).
 */
function pieces(sinceMs?: number, untilMs?: number): { hours?: Range; spans: Range[] } {
  const firstWhole = sinceMs === undefined ? undefined : Math.ceil(sinceMs / HOUR_MS);
  const endWhole = untilMs === undefined ? undefined : Math.floor(untilMs / HOUR_MS);
  if (firstWhole !== undefined && endWhole !== undefined && firstWhole >= endWhole) {
    return { spans: [{ from: sinceMs, to: untilMs }] };
  }
  const spans: Range[] = [];
  if (sinceMs !== undefined && firstWhole !== undefined && firstWhole * HOUR_MS > sinceMs) {
    spans.push({ from: sinceMs, to: firstWhole * HOUR_MS });
  }
  if (untilMs !== undefined && endWhole !== undefined && endWhole * HOUR_MS < untilMs) {
    spans.push({ from: endWhole * HOUR_MS, to: untilMs });
  }
  return { hours: { from: firstWhole, to: endWhole }, spans };
}

/**
 * One query for a report: a branch per piece of the window, each grouped by the requested
 * dimensions (plus purpose, model, provider and recorded, which pricing needs), summed again
 * across the pieces.
 */
export function windowSql(query: CostQuery): { sql: string; params: unknown[] } {
  const dims = query.by.filter((d) => !(ALWAYS as readonly string[]).includes(d));
  const params: unknown[] = [];
  const branches: string[] = [];
  const sums = SUM_COLUMNS.map((s) => `total(t.${s}) AS ${s}`).join(", ");
  const branch = (table: string, column: string, hour: string, range: Range, spans: string) => {
    const always = ALWAYS.map((c) => `k.${c}`);
    const columns = [
      ...ALWAYS.map((c) => `k.${c} AS ${c}`),
      ...dims.map((d) => `${dimensionSql(d, hour)} AS "${d}"`),
    ];
    const groupBy = [...always, ...dims.map((d) => dimensionSql(d, hour))];
    const where: string[] = [];
    if (range.from !== undefined) {
      where.push(`${column} >= ?`);
      params.push(range.from);
    }
    if (range.to !== undefined) {
      where.push(`${column} < ?`);
      params.push(range.to);
    }
    if (query.purpose !== undefined) {
      where.push("k.purpose = ?");
      params.push(query.purpose);
    }
    branches.push(`SELECT ${columns.join(", ")}, ${sums}, ${spans} AS spans
      FROM ${table} JOIN cost_keys k ON k.id = t.key
      ${where.length ? `WHERE ${where.join(" AND ")}` : ""} GROUP BY ${groupBy.join(", ")}`);
  };
  const { hours, spans } = pieces(query.sinceMs, query.untilMs);
  if (hours) branch("cost_hours t", "t.hour", "t.hour", hours, "sum(t.spans)");
  for (const range of spans)
    branch("span_costs t", "t.start_ms", hourOf("t.start_ms"), range, "count(*)");
  const outer = [...ALWAYS, ...dims.map((d) => `"${d}"`)];
  const sql = `SELECT ${outer.join(", ")},
    ${SUM_COLUMNS.map((s) => `total(${s}) AS ${s}`).join(", ")}, sum(spans) AS spans
  FROM (${branches.join("\nUNION ALL\n")})
  GROUP BY ${outer.join(", ")}`;
  return { sql, params };
}
