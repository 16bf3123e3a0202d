/**
 * The SQL that decides which spans of a trace carry spend and resolves every report dimension
 * for them. It reads the traces listed in `temp.cost_chunk` (whole traces, not a time
 * window, so that a trace's facts — has it LLM calls, its agent, its prompt version — do not
 * depend on where a report's window cuts it) and yields rows in SPEND_COLUMNS order.
 */

/** The report dimensions as stored (cost_keys), '' for none. */
export const DIMENSION_COLUMNS = [
  "purpose",
  "model",
  "provider",
  "recorded",
  "agent",
  "tool",
  "name",
  "prompt_version",
  "run_id",
  "cycle",
] as const;

export const SUM_COLUMNS = [
  "cost_usd",
  "input_tokens",
  "output_tokens",
  "cached_input_tokens",
] as const;

/** What SPEND_ROWS_SQL yields per spending span: its trace, time, dimensions and sums. */
export const SPEND_COLUMNS = [
  "source",
  "trace_id",
  "akey",
  "start_ms",
  ...DIMENSION_COLUMNS,
  ...SUM_COLUMNS,
] as const;

export const HOUR_MS = 3_600_000;

/** The UTC hour of a `start_ms` expression, as cost_hours counts them. */
export const hourOf = (startMs: string) => `CAST(${startMs} / ${HOUR_MS} AS INTEGER)`;

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

/** Does a span's JSON carry spend: a recorded cost or token counts. */
const hasUsage = (col: string) =>
  `(${attr(col, "ratchet.cost.usd")} IS NOT NULL OR ${attr(col, "gen_ai.usage.input_tokens")} IS NOT NULL OR ${attr(col, "gen_ai.usage.output_tokens")} IS NOT NULL)`;

const SPAN_FIELDS = `s.trace_id, s.parent_span_id, s.name, s.start_ms,
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
      ${attr("s.attributes", "gen_ai.usage.cache_read.input_tokens")} AS cached_tok`;

/** A JSON value as a number: a numeric string counts, anything else is 0. */
const num = (expr: string) => `coalesce(CAST(${expr} AS REAL), 0)`;

/** Text that is part of the rollups' keys: '' stands for "none". */
const key = (expr: string) => `coalesce(CAST(${expr} AS TEXT), '')`;

/**
 * Which spans carry spend, so nothing is counted twice: LLM calls (chat, completion,
 * embeddings) always; a tool span only with a recorded cost; and in a trace that has no LLM
 * call spans, the topmost spans with usage (an agent span summing its children is not
 * counted again when its parent already carries the total).
 *
 * A span's agent is its own, else its nearest ancestor's (a sub-agent's calls are its own
 * spend, not the root agent's), else its trace's. Each span's JSON is parsed once, into a
 * materialized `base` that every later step reads; the agent walk starts only from spans
 * that carry spend and name no agent, and from each distinct parent once.
 */
export const SPEND_ROWS_SQL = `
WITH base AS MATERIALIZED (
  SELECT trace_id, parent_span_id, name, start_ms, run_col, akey, source, op,
    gen_agent, ratchet_agent, prompt_version, cycle, run_attr, model, provider, tool, cost,
    in_tok, out_tok, cached_tok,
    (cost IS NOT NULL OR in_tok IS NOT NULL OR out_tok IS NOT NULL) AS has_usage
  FROM (
    -- One branch per way in, each with constants that let it use its index.
    SELECT ${SPAN_FIELDS} FROM temp.cost_chunk k JOIN spans s
      ON k.source = 'production' AND s.source = 'production' AND s.trace_id = k.trace_id
    UNION ALL
    SELECT ${SPAN_FIELDS} FROM temp.cost_chunk k JOIN spans s
      ON k.source = 'eval' AND k.akey <> '' AND s.attempt_id = k.akey
      AND s.source = 'eval' AND s.trace_id = k.trace_id
    UNION ALL
    SELECT ${SPAN_FIELDS} FROM temp.cost_chunk k JOIN spans s
      ON k.source = 'eval' AND k.akey = '' AND s.source = 'eval' AND s.trace_id = k.trace_id
      AND s.attempt_id IS NULL
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
spend AS MATERIALIZED (
  SELECT b.*, coalesce(b.gen_agent, b.ratchet_agent) AS own_agent,
    t.agent AS trace_agent, t.prompt_version AS trace_prompt_version, t.cycle AS trace_cycle
  FROM base b
  CROSS JOIN traces t ON t.trace_id = b.trace_id AND t.akey = b.akey
  WHERE b.has_usage AND (
    b.op IN ${LLM_OPS}
    OR (b.op = 'execute_tool' AND b.cost IS NOT NULL)
    OR (t.has_llm = 0 AND coalesce(b.op, '') <> 'execute_tool' AND NOT EXISTS (
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
-- The depth cap stops a malformed trace whose parent links form a cycle. Every path is kept
-- (no DISTINCT on results), so a span with two parents that both name agents counts twice,
-- as it always did.
walk AS (
  SELECT DISTINCT source, trace_id, akey, parent_span_id AS start, parent_span_id AS parent,
    NULL AS agent, 0 AS depth
  FROM spend WHERE own_agent IS NULL AND parent_span_id IS NOT NULL
  UNION ALL${parentStep("production")}
  UNION ALL${parentStep("eval")}
),
found AS MATERIALIZED (
  SELECT source, trace_id, akey, start, agent FROM walk WHERE agent IS NOT NULL
)
SELECT b.source, b.trace_id, b.akey, b.start_ms,
  CASE WHEN b.source = 'production' THEN 'production'
       ELSE coalesce(rp.purpose, 'evaluation') END,
  ${key("b.model")}, ${key("b.provider")}, (b.cost IS NOT NULL),
  ${key("coalesce(b.own_agent, f.agent, b.trace_agent)")}, ${key("b.tool")}, b.name,
  ${key("coalesce(b.trace_prompt_version, r.prompt_version)")},
  ${key("coalesce(b.run_col, b.run_attr)")}, ${key("b.trace_cycle")},
  ${num("b.cost")}, ${num("b.in_tok")}, ${num("b.out_tok")}, ${num("b.cached_tok")}
FROM spend b
LEFT JOIN found f ON b.own_agent IS NULL AND f.source = b.source AND f.trace_id = b.trace_id
  AND f.akey = b.akey AND f.start = b.parent_span_id
LEFT JOIN runs rp ON rp.id = b.run_col
LEFT JOIN runs r ON r.id = coalesce(b.run_col, b.run_attr)`;
