import { HOUR_MS } from "./spend-sql.js";
import type { CostDimension, CostQuery } from "./types.js";

/** Each report dimension as a column of span_costs and cost_hours. */
const DIMENSION_COLUMN: Record<CostDimension, string> = {
  purpose: "purpose",
  model: "model",
  provider: "provider",
  agent: "agent",
  tool: "tool",
  span: "name",
  prompt_version: "prompt_version",
  run: "run_id",
  cycle: "cycle",
  day: "date(hour * 3600, 'unixepoch')",
};

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
  const columns = [...ALWAYS, ...dims.map((d) => `${DIMENSION_COLUMN[d]} AS "${d}"`)];
  const groupBy = [...ALWAYS, ...dims.map((d) => DIMENSION_COLUMN[d])];
  const params: unknown[] = [];
  const branches: string[] = [];
  const branch = (table: string, column: string, range: Range, spans: string, sums: string) => {
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
      where.push("purpose = ?");
      params.push(query.purpose);
    }
    branches.push(`SELECT ${columns.join(", ")}, ${sums}, ${spans} AS spans FROM ${table}
      ${where.length ? `WHERE ${where.join(" AND ")}` : ""} GROUP BY ${groupBy.join(", ")}`);
  };
  const { hours, spans } = pieces(query.sinceMs, query.untilMs);
  const sums = (total: string) =>
    ["cost_usd", "input_tokens", "output_tokens", "cached_input_tokens"]
      .map((s) => `${total}(${s}) AS ${s}`)
      .join(", ");
  if (hours) branch("cost_hours", "hour", hours, "sum(spans)", sums("total"));
  for (const range of spans) branch("span_costs", "start_ms", range, "count(*)", sums("total"));
  const outer = [...ALWAYS, ...dims.map((d) => `"${d}"`)];
  const sql = `SELECT ${outer.join(", ")},
    total(cost_usd) AS cost_usd, total(input_tokens) AS input_tokens,
    total(output_tokens) AS output_tokens, total(cached_input_tokens) AS cached_input_tokens,
    sum(spans) AS spans
  FROM (${branches.join("\nUNION ALL\n")})
  GROUP BY ${outer.join(", ")}`;
  return { sql, params, dims };
}
