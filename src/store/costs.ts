import type BetterSqlite3 from "better-sqlite3";
import type { Run } from "../core/index.js";

export type CostDimension =
  | "purpose"
  | "model"
  | "provider"
  | "agent"
  | "tool"
  | "span"
  | "prompt_version"
  | "run"
  | "cycle"
  | "day";

export const COST_DIMENSIONS: readonly CostDimension[] = [
  "purpose",
  "model",
  "provider",
  "agent",
  "tool",
  "span",
  "prompt_version",
  "run",
  "cycle",
  "day",
];

export interface CostQuery {
  by: CostDimension[];
  sinceMs?: number;
  untilMs?: number;
  purpose?: Run["purpose"];
}

/**
 * One SQL group: the requested dimensions plus purpose, model and provider (needed to price
 * calls that carry tokens but no recorded cost). `recorded` tells which of the two it is.
 */
export interface CostGroup {
  key: Partial<Record<CostDimension, string>>;
  purpose: Run["purpose"];
  model: string | null;
  provider: string | null;
  /** True: `cost_usd` is the sum of recorded `ratchet.cost.usd`; false: priced from tokens. */
  recorded: boolean;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  spans: number;
}

export interface CostStore {
  /** Spend grouped in SQL (json_extract over span attributes). */
  costGroups(query: CostQuery): Promise<CostGroup[]>;
}

const attr = (column: string, name: string) => `json_extract(${column}, '$."${name}"')`;

/** The agent a span names itself: `gen_ai.agent.name`, else the root contract's `ratchet.agent.name`. */
const ownAgent = (column: string) =>
  `coalesce(${attr(column, "gen_ai.agent.name")}, ${attr(column, "ratchet.agent.name")})`;

/** How far up a span's agent is looked for (agents nest a few levels, never dozens). */
const MAX_AGENT_DEPTH = 64;

/** One step up to the parent span, within one source (a constant, so its partial index is used). */
const parentStep = (source: "production" | "eval") => `
  SELECT a.id, a.trace_id, a.akey, a.source, p.parent_span_id, ${ownAgent("p.attributes")}, a.depth + 1
  FROM span_agent a JOIN spans p
    ON a.source = '${source}' AND p.source = '${source}'
    AND p.trace_id = a.trace_id AND p.span_id = a.parent AND coalesce(p.attempt_id, '') = a.akey
  WHERE a.agent IS NULL AND a.depth < ${MAX_AGENT_DEPTH}`;

const LLM_OPS = "('chat', 'text_completion', 'generate_content', 'embeddings')";

/** SQL for each dimension over the `counted` CTE (alias c) joined to runs (alias r). */
const DIMENSION_SQL: Record<CostDimension, string> = {
  purpose: "c.purpose",
  model: "coalesce(c.model, '-')",
  provider: "coalesce(c.provider, '-')",
  agent: "coalesce(c.agent, '-')",
  tool: "coalesce(c.tool, '-')",
  span: "c.name",
  prompt_version: "coalesce(c.prompt_version, r.prompt_version, '-')",
  run: "coalesce(c.run_id, '-')",
  cycle: "coalesce(c.cycle, '-')",
  day: "date(c.start_ms / 1000, 'unixepoch')",
};

/**
 * Which spans carry spend, so nothing is counted twice: LLM calls (chat, completion,
 * embeddings) always; a tool span only with a recorded cost; and in a trace that has no LLM
 * call spans, the topmost spans with usage (an agent span summing its children is not
 * counted again when its parent already carries the total).
 */
function groupSql(query: CostQuery): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const where: string[] = [];
  if (query.sinceMs !== undefined) {
    where.push("s.start_ms >= ?");
    params.push(query.sinceMs);
  }
  if (query.untilMs !== undefined) {
    where.push("s.start_ms < ?");
    params.push(query.untilMs);
  }
  const hasUsage = (col: string) =>
    `(${attr(col, "ratchet.cost.usd")} IS NOT NULL OR ${attr(col, "gen_ai.usage.input_tokens")} IS NOT NULL OR ${attr(col, "gen_ai.usage.output_tokens")} IS NOT NULL)`;
  const dims = query.by.filter((d) => d !== "purpose" && d !== "model" && d !== "provider");
  const select = dims.map((d) => `${DIMENSION_SQL[d]} AS "${d}"`);
  // Expressions, not aliases: runs (r) has a purpose column too.
  const group = [
    "c.purpose",
    "c.model",
    "c.provider",
    "(c.cost IS NOT NULL)",
    ...dims.map((d) => DIMENSION_SQL[d]),
  ];
  const purposeFilter = query.purpose === undefined ? "" : "WHERE c.purpose = ?";
  const sql = `
WITH base AS (
  SELECT s.id, s.trace_id, s.span_id, s.parent_span_id, s.name, s.start_ms, s.run_id,
    coalesce(s.attempt_id, '') AS akey, s.source, s.attributes,
    ${attr("s.attributes", "gen_ai.operation.name")} AS op,
    ${hasUsage("s.attributes")} AS has_usage
  FROM spans s ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
),
traces AS (
  SELECT trace_id, akey,
    max(CASE WHEN op IN ${LLM_OPS} AND has_usage THEN 1 ELSE 0 END) AS has_llm,
    coalesce(
      max(CASE WHEN parent_span_id IS NULL THEN coalesce(${attr("attributes", "ratchet.agent.name")}, ${attr("attributes", "gen_ai.agent.name")}) END),
      max(coalesce(${attr("attributes", "ratchet.agent.name")}, ${attr("attributes", "gen_ai.agent.name")}))
    ) AS agent,
    max(${attr("attributes", "ratchet.prompt.version")}) AS prompt_version,
    max(${attr("attributes", "ratchet.cycle.id")}) AS cycle
  FROM base GROUP BY trace_id, akey
),
-- Each span's own agent, else its nearest ancestor's: a sub-agent's calls are its own spend,
-- not the root agent's. Walked up only from spans with usage, one index lookup per step
-- (one branch per source, each a constant, so that each uses its partial index); the depth
-- cap stops a malformed trace whose parent links form a cycle.
span_agent AS (
  SELECT b.id, b.trace_id, b.akey, b.source, b.parent_span_id AS parent,
    ${ownAgent("b.attributes")} AS agent, 0 AS depth
  FROM base b WHERE b.has_usage
  UNION ALL${parentStep("production")}
  UNION ALL${parentStep("eval")}
),
counted AS (
  SELECT b.name, b.start_ms, coalesce(b.run_id, ${attr("b.attributes", "ratchet.run.id")}) AS run_id,
    CASE WHEN b.source = 'production' THEN 'production'
         ELSE coalesce(rp.purpose, 'evaluation') END AS purpose,
    coalesce(sa.agent, t.agent) AS agent, t.prompt_version, t.cycle,
    coalesce(${attr("b.attributes", "gen_ai.request.model")}, ${attr("b.attributes", "gen_ai.response.model")}) AS model,
    ${attr("b.attributes", "gen_ai.provider.name")} AS provider,
    ${attr("b.attributes", "gen_ai.tool.name")} AS tool,
    ${attr("b.attributes", "ratchet.cost.usd")} AS cost,
    coalesce(${attr("b.attributes", "gen_ai.usage.input_tokens")}, 0) AS in_tok,
    coalesce(${attr("b.attributes", "gen_ai.usage.output_tokens")}, 0) AS out_tok,
    coalesce(${attr("b.attributes", "gen_ai.usage.cache_read.input_tokens")}, 0) AS cached_tok
  FROM base b
  JOIN traces t ON t.trace_id = b.trace_id AND t.akey = b.akey
  LEFT JOIN (SELECT id, agent FROM span_agent WHERE agent IS NOT NULL) sa ON sa.id = b.id
  LEFT JOIN runs rp ON rp.id = b.run_id
  WHERE b.has_usage AND (
    b.op IN ${LLM_OPS}
    OR (b.op = 'execute_tool' AND ${attr("b.attributes", "ratchet.cost.usd")} IS NOT NULL)
    OR (t.has_llm = 0 AND coalesce(b.op, '') <> 'execute_tool' AND NOT EXISTS (
      -- One branch per source, each a constant, so that each uses its partial index.
      SELECT 1 FROM spans p
      WHERE b.source = 'production' AND p.source = 'production'
        AND p.trace_id = b.trace_id AND p.span_id = b.parent_span_id
        AND coalesce(p.attempt_id, '') = b.akey AND ${hasUsage("p.attributes")}
      UNION ALL
      SELECT 1 FROM spans p
      WHERE b.source = 'eval' AND p.source = 'eval'
        AND p.trace_id = b.trace_id AND p.span_id = b.parent_span_id
        AND coalesce(p.attempt_id, '') = b.akey AND ${hasUsage("p.attributes")}))
  )
)
SELECT c.purpose AS purpose, c.model AS model, c.provider AS provider,
  (c.cost IS NOT NULL) AS recorded,
  ${select.length ? `${select.join(", ")},` : ""}
  total(c.cost) AS cost_usd, total(c.in_tok) AS input_tokens, total(c.out_tok) AS output_tokens,
  total(c.cached_tok) AS cached_input_tokens, count(*) AS spans
FROM counted c LEFT JOIN runs r ON r.id = c.run_id
${purposeFilter}
GROUP BY ${group.join(", ")}`;
  if (query.purpose !== undefined) params.push(query.purpose);
  return { sql, params };
}

interface GroupRow {
  purpose: Run["purpose"];
  model: string | null;
  provider: string | null;
  recorded: number;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  spans: number;
  [dimension: string]: unknown;
}

export class SqliteCostStore implements CostStore {
  readonly #db: BetterSqlite3.Database;
  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
  }

  async costGroups(query: CostQuery): Promise<CostGroup[]> {
    const { sql, params } = groupSql(query);
    const rows = this.#db.prepare(sql).all(...params) as GroupRow[];
    return rows.map((row) => {
      const key: Partial<Record<CostDimension, string>> = {};
      for (const d of query.by) {
        if (d === "purpose") key.purpose = row.purpose;
        else if (d === "model") key.model = row.model ?? "-";
        else if (d === "provider") key.provider = row.provider ?? "-";
        else key[d] = String(row[d] ?? "-");
      }
      return {
        key,
        purpose: row.purpose,
        model: row.model,
        provider: row.provider,
        recorded: row.recorded === 1,
        cost_usd: row.cost_usd,
        input_tokens: row.input_tokens,
        output_tokens: row.output_tokens,
        cached_input_tokens: row.cached_input_tokens,
        spans: row.spans,
      };
    });
  }
}
