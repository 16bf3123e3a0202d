import type { CostConfig } from "../config/index.js";
import { priceUsage, type TokenPrice } from "../providers/index.js";
import type { CostDimension, CostGroup, Run, Store } from "./deps.js";

export interface CostRow {
  key: Partial<Record<CostDimension, string>>;
  cost_usd: number;
  /** Part of cost_usd recorded on spans (`ratchet.cost.usd`); the rest was priced from tokens. */
  recorded_usd: number;
  input_tokens: number;
  output_tokens: number;
  /** Spans that carried spend. */
  calls: number;
  /** Calls with tokens but no recorded cost and no known price: counted at $0. */
  unpriced_calls: number;
}

export interface CostReport {
  by: CostDimension[];
  rows: CostRow[];
  total: Omit<CostRow, "key">;
}

export interface CostOptions {
  by: CostDimension[];
  sinceMs?: number;
  untilMs?: number;
  purpose?: Run["purpose"];
  /** `cost:` from ratchet.yaml: price overrides per model and a default price. */
  pricing?: CostConfig;
}

function overridesFrom(pricing: CostConfig | undefined): Record<string, TokenPrice> {
  const out: Record<string, TokenPrice> = {};
  for (const [key, p] of Object.entries(pricing?.token_pricing ?? {})) {
    out[key] = {
      input: p.input_per_million,
      output: p.output_per_million,
      ...(p.cached_input_per_million !== undefined
        ? { cached_input: p.cached_input_per_million }
        : {}),
    };
  }
  return out;
}

/** Prices a group's token sums; prices are linear in tokens, so pricing the sum is exact. */
function priceGroup(
  g: CostGroup,
  overrides: Record<string, TokenPrice>,
  fallback: TokenPrice | undefined,
): { usd: number; priced: boolean } {
  const usage = {
    input_tokens: g.input_tokens,
    output_tokens: g.output_tokens,
    cached_input_tokens: g.cached_input_tokens,
  };
  if (g.model !== null) {
    const provider = g.provider && g.provider !== "" ? g.provider : "unknown";
    const spec = g.model.includes(":") && !g.provider ? g.model : `${provider}:${g.model}`;
    const result = priceUsage(spec, usage, overrides);
    if (result.priced) return { usd: result.usd, priced: true };
  }
  if (fallback) {
    const result = priceUsage("default:*", usage, { "default:*": fallback });
    return { usd: result.usd, priced: true };
  }
  return { usd: 0, priced: false };
}

/**
 * Spend by the requested dimensions, evaluation / optimization / production kept apart
 * (purpose is always a dimension unless filtered to one). Grouping and summing happen in
 * SQL; only the handful of (group × model) rows are priced here.
 */
export async function costReport(store: Store, options: CostOptions): Promise<CostReport> {
  const by: CostDimension[] =
    options.purpose === undefined && !options.by.includes("purpose")
      ? ["purpose", ...options.by]
      : [...options.by];
  const groups = await store.costs.costGroups({
    by,
    ...(options.sinceMs !== undefined ? { sinceMs: options.sinceMs } : {}),
    ...(options.untilMs !== undefined ? { untilMs: options.untilMs } : {}),
    ...(options.purpose !== undefined ? { purpose: options.purpose } : {}),
  });
  const overrides = overridesFrom(options.pricing);
  const dp = options.pricing?.default_pricing;
  const fallback: TokenPrice | undefined = dp
    ? {
        input: dp.input_per_million,
        output: dp.output_per_million,
        ...(dp.cached_input_per_million !== undefined
          ? { cached_input: dp.cached_input_per_million }
          : {}),
      }
    : undefined;

  const rows = new Map<string, CostRow>();
  const total = emptyTotals();
  for (const g of groups) {
    const id = JSON.stringify(by.map((d) => g.key[d] ?? "-"));
    let row = rows.get(id);
    if (!row) {
      row = { key: g.key, ...emptyTotals() };
      rows.set(id, row);
    }
    let usd = g.cost_usd;
    if (g.recorded) {
      row.recorded_usd += g.cost_usd;
      total.recorded_usd += g.cost_usd;
    } else {
      const priced = priceGroup(g, overrides, fallback);
      usd = priced.usd;
      if (!priced.priced && g.input_tokens + g.output_tokens > 0) {
        row.unpriced_calls += g.spans;
        total.unpriced_calls += g.spans;
      }
    }
    row.cost_usd += usd;
    row.input_tokens += g.input_tokens;
    row.output_tokens += g.output_tokens;
    row.calls += g.spans;
    total.cost_usd += usd;
    total.input_tokens += g.input_tokens;
    total.output_tokens += g.output_tokens;
    total.calls += g.spans;
  }
  return finish(by, rows, total);
}

/**
 * A finer report summed up to some of its dimensions: a report by purpose, model, agent and
 * day rolled up to (purpose, agent) equals a report asked by agent, without scanning the spans
 * again. Every field of a row adds up, and pricing is per model, which the fine report keeps.
 */
export function rollUpReport(report: CostReport, by: CostDimension[]): CostReport {
  const missing = by.filter((d) => !report.by.includes(d));
  if (missing.length > 0) {
    throw new Error(
      `cannot roll up to ${missing.join(", ")}: the report is by ${report.by.join(", ")}`,
    );
  }
  const rows = new Map<string, CostRow>();
  for (const fine of report.rows) {
    const key: Partial<Record<CostDimension, string>> = {};
    for (const d of by) key[d] = fine.key[d] ?? "-";
    const id = JSON.stringify(by.map((d) => key[d]));
    let row = rows.get(id);
    if (!row) {
      row = { key, ...emptyTotals() };
      rows.set(id, row);
    }
    row.cost_usd += fine.cost_usd;
    row.recorded_usd += fine.recorded_usd;
    row.input_tokens += fine.input_tokens;
    row.output_tokens += fine.output_tokens;
    row.calls += fine.calls;
    row.unpriced_calls += fine.unpriced_calls;
  }
  return finish(by, rows, { ...report.total });
}

function finish(
  by: CostDimension[],
  rows: Map<string, CostRow>,
  total: Omit<CostRow, "key">,
): CostReport {
  const round = (n: number) => Math.round(n * 1e9) / 1e9;
  const list = [...rows.values()].map((r) => ({
    ...r,
    cost_usd: round(r.cost_usd),
    recorded_usd: round(r.recorded_usd),
  }));
  list.sort(
    (a, b) => b.cost_usd - a.cost_usd || JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)),
  );
  return {
    by,
    rows: list,
    total: { ...total, cost_usd: round(total.cost_usd), recorded_usd: round(total.recorded_usd) },
  };
}

function emptyTotals(): Omit<CostRow, "key"> {
  return {
    cost_usd: 0,
    recorded_usd: 0,
    input_tokens: 0,
    output_tokens: 0,
    calls: 0,
    unpriced_calls: 0,
  };
}
