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

/**
 * One step up to the parent span, within one source (a constant, so its partial index is used).
 * Walks from a parent key (shared by all its child spans), not from each span.
 */
const parentStep = (source: "production" | "eval") => `
  SELECT w.source, w.trace_id, w.akey, w.start, p.parent_span_id, ${ownAgent("p.attributes")}, w.depth + 1
  FROM walk w JOIN spans p
    ON w.source = '${source}' AND p.source = '${source}'
    AND p.trace_id = w.trace_id AND p.span_id = w.parent AND coalesce(p.attempt_id, '') = w.akey
  WHERE w.agent IS NULL AND w.depth < ${MAX_AGENT_DEPTH}`;

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

/** Does a span's JSON carry spend: a recorded cost or token counts. */
const hasUsage = (col: string) =>
  `(${attr(col, "ratchet.cost.usd")} IS NOT NULL OR ${attr(col, "gen_ai.usage.input_tokens")} IS NOT NULL OR ${attr(col, "gen_ai.usage.output_tokens")} IS NOT NULL)`;

/**
 * Which spans carry spend, so nothing is counted twice: LLM calls (chat, completion,
 * embeddings) always; a tool span only with a recorded cost; and in a trace that has no LLM
 * call spans, the topmost spans with usage (an agent span summing its children is not
 * counted again when its parent already carries the total).
 *
 * Speed (bench/ui store, 1,000,000 spans): the window's spans are read and their JSON parsed
 * once, into a materialized `base` of plain columns that every later step reads; the agent
 * walk starts only from spans that carry spend and name no agent, and from each distinct
 * parent once (siblings share it), not from every span.
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
  // Only prompt_version reads runs (r): without it, one lookup per counted span is saved.
  const runsJoin = dims.includes("prompt_version") ? "LEFT JOIN runs r ON r.id = c.run_id" : "";
  const sql = `
WITH base AS MATERIALIZED (
  SELECT trace_id, parent_span_id, name, start_ms, run_col, akey, source, op,
    gen_agent, ratchet_agent, prompt_version, cycle, run_attr, model, provider, tool, cost,
    in_tok, out_tok, cached_tok,
    (cost IS NOT NULL OR in_tok IS NOT NULL OR out_tok IS NOT NULL) AS has_usage
  FROM (
    SELECT s.trace_id, s.parent_span_id, s.name, s.start_ms,
      s.run_id AS run_col, coalesce(s.attempt_id, '') AS akey, s.source,
      ${attr("s.attributes", "gen_ai.operation.name")} AS op,
      ${attr("s.attributes", "gen_ai.agent.name")} AS gen_agent,
      ${attr("s.attributes", "ratchet.agent.name")} AS ratchet_agent,
      ${attr("s.attributes", "ratchet.prompt.version")} AS prompt_version,
      ${attr("s.attributes", "ratchet.cycle.id")} AS cycle,
      ${attr("s.attributes", "ratchet.run.id")} AS run_attr,
      coalesce(${attr("s.attributes", "gen_ai.request.model")}, ${attr("s.attributes", "gen_ai.response.model")}) AS model,
      ${attr("s.attributes", "gen_ai.provider.name")} AS provider,
      ${attr("s.attributes", "gen_ai.tool.name")} AS tool,
      ${attr("s.attributes", "ratchet.cost.usd")} AS cost,
      ${attr("s.attributes", "gen_ai.usage.input_tokens")} AS in_tok,
      ${attr("s.attributes", "gen_ai.usage.output_tokens")} AS out_tok,
      ${attr("s.attributes", "gen_ai.usage.cache_read.input_tokens")} AS cached_tok
    FROM spans s ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
  )
),
traces AS (
  SELECT trace_id, akey,
    max(CASE WHEN op IN ${LLM_OPS} AND has_usage THEN 1 ELSE 0 END) AS has_llm,
    coalesce(
      max(CASE WHEN parent_span_id IS NULL THEN coalesce(ratchet_agent, gen_agent) END),
      max(coalesce(ratchet_agent, gen_agent))
    ) AS agent,
    max(prompt_version) AS prompt_version,
    max(cycle) AS cycle
  FROM base GROUP BY trace_id, akey
),
-- The spans that carry spend (see above), with their trace's facts.
spend AS MATERIALIZED (
  SELECT b.*, coalesce(b.gen_agent, b.ratchet_agent) AS own_agent,
    t.agent AS trace_agent, t.prompt_version AS trace_prompt_version, t.cycle AS trace_cycle
  -- CROSS JOIN keeps base the outer loop: one lookup per span in the small traces, rather
  -- than an automatic index over all of base.
  FROM base b
  CROSS JOIN traces t ON t.trace_id = b.trace_id AND t.akey = b.akey
  WHERE b.has_usage AND (
    b.op IN ${LLM_OPS}
    OR (b.op = 'execute_tool' AND b.cost IS NOT NULL)
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
),
-- A span's own agent, else its nearest ancestor's: a sub-agent's calls are its own spend, not
-- the root agent's. Walked up (over all spans, not just the window's) from each distinct
-- parent of a spending span that names no agent, one index lookup per step; the depth cap
-- stops a malformed trace whose parent links form a cycle. Every path is kept (no DISTINCT
-- on results), so a span with two parents that both name agents counts as it always did.
walk AS (
  SELECT DISTINCT source, trace_id, akey, parent_span_id AS start, parent_span_id AS parent,
    NULL AS agent, 0 AS depth
  FROM spend WHERE own_agent IS NULL AND parent_span_id IS NOT NULL
  UNION ALL${parentStep("production")}
  UNION ALL${parentStep("eval")}
),
found AS MATERIALIZED (
  SELECT source, trace_id, akey, start, agent FROM walk WHERE agent IS NOT NULL
),
counted AS (
  SELECT b.name, b.start_ms, coalesce(b.run_col, b.run_attr) AS run_id,
    CASE WHEN b.source = 'production' THEN 'production'
         ELSE coalesce(rp.purpose, 'evaluation') END AS purpose,
    coalesce(b.own_agent, f.agent, b.trace_agent) AS agent,
    b.trace_prompt_version AS prompt_version, b.trace_cycle AS cycle,
    b.model, b.provider, b.tool, b.cost,
    coalesce(b.in_tok, 0) AS in_tok, coalesce(b.out_tok, 0) AS out_tok,
    coalesce(b.cached_tok, 0) AS cached_tok
  FROM spend b
  LEFT JOIN found f ON b.own_agent IS NULL AND f.source = b.source AND f.trace_id = b.trace_id
    AND f.akey = b.akey AND f.start = b.parent_span_id
  LEFT JOIN runs rp ON rp.id = b.run_col
)
SELECT c.purpose AS purpose, c.model AS model, c.provider AS provider,
  (c.cost IS NOT NULL) AS recorded,
  ${select.length ? `${select.join(", ")},` : ""}
  total(c.cost) AS cost_usd, total(c.in_tok) AS input_tokens, total(c.out_tok) AS output_tokens,
  total(c.cached_tok) AS cached_input_tokens, count(*) AS spans
FROM counted c ${runsJoin}
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
