import type { Usage } from "../core/index.js";
import { parseModelSpec } from "./spec.js";
import type { ProviderType } from "./types.js";

/** USD per million tokens. `cached_input` defaults to `input` when a provider has no discount. */
export interface TokenPrice {
  input: number;
  output: number;
  cached_input?: number;
}

/** Where a model's price came from; shown with the run so a cost can be trusted or not. */
export type PriceSource = "config token_pricing" | "builtin table" | "none";

export interface PriceResult {
  usd: number;
  /** False when no price is known for the model: the cost dimension should say so. */
  priced: boolean;
  source: PriceSource;
  price?: TokenPrice;
}

/** The kind of endpoint a model is served from, as far as pricing cares. */
export interface PricingEndpoint {
  type: ProviderType;
}

/**
 * Only the vendors' APIs (type `openai` or `anthropic`, a gateway's `base_url` included) and
 * the offline sim are priced from the built-in table; an `openai-compatible` or `ollama`
 * server runs its own models whatever they are called.
 */
function listPriced(endpoint: PricingEndpoint): boolean {
  return endpoint.type === "openai" || endpoint.type === "anthropic" || endpoint.type === "sim";
}

/**
 * Callers without the provider table (judges, cost rollups of stored spans) know only a
 * provider name: `ollama` and `sim` are those types, any other name is taken for a vendor's
 * API as before, so its models keep their list prices.
 */
function endpointByName(provider: string): PricingEndpoint {
  if (provider === "ollama" || provider === "sim") return { type: provider };
  return { type: "openai" };
}

/**
 * List prices (standard tier, USD per 1M tokens) as published by OpenAI and Anthropic,
 * table dated 2025-11. Prices change; users override with `cost.token_pricing`.
 * Keys are model-id prefixes; the longest matching prefix wins (`gpt-4o-mini` before `gpt-4o`).
 */
export const DEFAULT_TOKEN_PRICES: Readonly<Record<string, TokenPrice>> = {
  // OpenAI
  "gpt-5": { input: 1.25, output: 10, cached_input: 0.125 },
  "gpt-5-mini": { input: 0.25, output: 2, cached_input: 0.025 },
  "gpt-5-nano": { input: 0.05, output: 0.4, cached_input: 0.005 },
  "gpt-4.1": { input: 2, output: 8, cached_input: 0.5 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6, cached_input: 0.1 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4, cached_input: 0.025 },
  "gpt-4o": { input: 2.5, output: 10, cached_input: 1.25 },
  "gpt-4o-mini": { input: 0.15, output: 0.6, cached_input: 0.075 },
  "gpt-4-turbo": { input: 10, output: 30 },
  "gpt-3.5-turbo": { input: 0.5, output: 1.5 },
  o1: { input: 15, output: 60, cached_input: 7.5 },
  "o1-mini": { input: 1.1, output: 4.4, cached_input: 0.55 },
  o3: { input: 2, output: 8, cached_input: 0.5 },
  "o3-mini": { input: 1.1, output: 4.4, cached_input: 0.55 },
  "o4-mini": { input: 1.1, output: 4.4, cached_input: 0.275 },
  // Anthropic (cached_input = cache read price)
  "claude-opus-4-5": { input: 5, output: 25, cached_input: 0.5 },
  "claude-opus-4-1": { input: 15, output: 75, cached_input: 1.5 },
  "claude-opus-4": { input: 15, output: 75, cached_input: 1.5 },
  "claude-sonnet-4-5": { input: 3, output: 15, cached_input: 0.3 },
  "claude-sonnet-4": { input: 3, output: 15, cached_input: 0.3 },
  "claude-3-7-sonnet": { input: 3, output: 15, cached_input: 0.3 },
  "claude-3-5-sonnet": { input: 3, output: 15, cached_input: 0.3 },
  "claude-haiku-4-5": { input: 1, output: 5, cached_input: 0.1 },
  "claude-3-5-haiku": { input: 0.8, output: 4, cached_input: 0.08 },
  "claude-3-haiku": { input: 0.25, output: 1.25, cached_input: 0.03 },
  "claude-3-opus": { input: 15, output: 75, cached_input: 1.5 },
};

/** sim models cost like a small hosted model, so the cost dimension means something offline. */
export const SIM_DEFAULT_PRICE: TokenPrice = { input: 0.15, output: 0.6, cached_input: 0.075 };

function longestPrefix(
  modelId: string,
  table: Readonly<Record<string, TokenPrice>>,
): TokenPrice | undefined {
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (modelId === key || modelId.startsWith(`${key}-`) || modelId.startsWith(`${key}:`)) {
      if (best === undefined || key.length > best.length) best = key;
    }
  }
  return best === undefined ? undefined : table[best];
}

function lookupOverride(
  spec: string,
  provider: string,
  modelId: string,
  overrides: Readonly<Record<string, TokenPrice>> | undefined,
): TokenPrice | undefined {
  if (!overrides) return undefined;
  return overrides[spec] ?? overrides[modelId] ?? overrides[`${provider}:*`];
}

/** Where `modelSpec`'s price comes from, and the price (USD per million), without a call. */
export function priceSourceOf(
  modelSpec: string,
  overrides?: Readonly<Record<string, TokenPrice>>,
  endpoint?: PricingEndpoint,
): { source: PriceSource; price?: TokenPrice } {
  const result = priceUsage(modelSpec, { input_tokens: 0, output_tokens: 0 }, overrides, endpoint);
  return result.price ? { source: result.source, price: result.price } : { source: result.source };
}

export function costOf(usage: Usage, price: TokenPrice): number {
  const cached = Math.min(usage.cached_input_tokens ?? 0, usage.input_tokens);
  const fresh = usage.input_tokens - cached;
  const usd =
    (fresh * price.input +
      cached * (price.cached_input ?? price.input) +
      usage.output_tokens * price.output) /
    1_000_000;
  // Round to a micro-dollar fraction so sums are stable in reports.
  return Math.round(usd * 1e9) / 1e9;
}

/**
 * Prices one call. `usage.input_tokens` includes `cached_input_tokens` (the OpenAI and AI SDK
 * convention). Override keys, first match wins: the full spec (`openai:gpt-4o`), the bare
 * model id (`gpt-4o`), or `provider:*` (`sim:*`). The built-in table applies only to the
 * vendors' own endpoints: a self-hosted, openai-compatible or ollama model named like a public
 * one (`mock:gpt-4o-mini`) is not the public model and has no price unless the config gives one.
 */
export function priceUsage(
  modelSpec: string,
  usage: Usage,
  overrides?: Readonly<Record<string, TokenPrice>>,
  endpoint?: PricingEndpoint,
): PriceResult {
  const { spec, provider, modelId } = parseModelSpec(modelSpec);
  const override = lookupOverride(spec, provider, modelId, overrides);
  if (override) {
    return {
      usd: costOf(usage, override),
      priced: true,
      source: "config token_pricing",
      price: override,
    };
  }
  const where = endpoint ?? endpointByName(provider);
  if (!listPriced(where)) return { usd: 0, priced: false, source: "none" };
  const known =
    where.type === "sim" ? SIM_DEFAULT_PRICE : longestPrefix(modelId, DEFAULT_TOKEN_PRICES);
  if (known) {
    return { usd: costOf(usage, known), priced: true, source: "builtin table", price: known };
  }
  return { usd: 0, priced: false, source: "none" };
}

/** The AI SDK's usage (`generateText(...).usage` or `totalUsage`) in Ratchet's record shape. */
export function usageFromSdk(usage: {
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
  inputTokenDetails?: { cacheReadTokens?: number | undefined } | undefined;
}): Usage {
  const cached = usage.inputTokenDetails?.cacheReadTokens;
  return {
    input_tokens: usage.inputTokens ?? 0,
    output_tokens: usage.outputTokens ?? 0,
    ...(cached ? { cached_input_tokens: cached } : {}),
  };
}

/** `cost.token_pricing` as users write it (per million, long names) in this module's terms. */
export function tokenPricesFromConfig(
  tokenPricing: Readonly<
    Record<
      string,
      { input_per_million: number; output_per_million: number; cached_input_per_million?: number }
    >
  >,
): Record<string, TokenPrice> {
  const prices: Record<string, TokenPrice> = {};
  for (const [spec, price] of Object.entries(tokenPricing)) {
    prices[spec] = {
      input: price.input_per_million,
      output: price.output_per_million,
      ...(price.cached_input_per_million !== undefined
        ? { cached_input: price.cached_input_per_million }
        : {}),
    };
  }
  return prices;
}
