import { HOUR_MS, hourOf } from "./spend-sql.js";
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

export function windowSql(query: CostQuery): {
  sql: string;
  params: unknown[];
  dims: CostDimension[];
} {
  const dims = query.by.filter((d) => !(ALWAYS as readonly string[]).includes(d));
  const params: unknown[] = [];
  const branches: string[] = [];
  const branch = (
    table: string,
    column: string,
    hour: string,
    range: Range,
    spans: string,
    sums: string,
  ) => {
    const always = ALWAYS.map((c) => `k.${c}`);
    const columns = [...always, ...dims.map((d) => `${dimensionSql(d, hour)} AS "${d}"`)];
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
  const sums = (total: string) =>
    ["cost_usd", "input_tokens", "output_tokens", "cached_input_tokens"]
      .map((s) => `${total}(t.${s}) AS ${s}`)
      .join(", ");
  if (hours) branch("cost_hours t", "t.hour", "t.hour", hours, "sum(t.spans)", sums("total"));
  for (const range of spans) {
    const hour = hourOf("t.start_ms");
    branch("span_costs t", "t.start_ms", hour, range, "count(*)", sums("total"));
  }
  const outer = [...ALWAYS, ...dims.map((d) => `"${d}"`)];
  const sql = `SELECT ${outer.join(", ")},
    total(cost_usd) AS cost_usd, total(input_tokens) AS input_tokens,
    total(output_tokens) AS output_tokens, total(cached_input_tokens) AS cached_input_tokens,
    sum(spans) AS spans
  FROM (${branches.join("\nUNION ALL\n")})
  GROUP BY ${outer.join(", ")}`;
  return { sql, params, dims };
}
