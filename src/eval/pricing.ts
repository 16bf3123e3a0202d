import type { RatchetConfig } from "../config/index.js";
import type { ModelPricing } from "../core/index.js";
import { type PricingEndpoint, priceSourceOf, tokenPricesFromConfig } from "../providers/index.js";

const BUILTIN_TYPES = new Set(["openai", "anthropic", "ollama", "sim"]);

/** The endpoint behind a provider name: a declared provider's type and base_url, or a built-in. */
export function pricingEndpoint(config: RatchetConfig, provider: string): PricingEndpoint {
  const declared = config.providers[provider];
  if (declared) return { type: declared.type };
  const type = BUILTIN_TYPES.has(provider)
    ? (provider as PricingEndpoint["type"])
    : "openai-compatible";
  return { type };
}

/** Where each model's price comes from, stored with the run and shown in its summary. */
export function modelPricing(
  config: RatchetConfig,
  models: readonly string[],
): Record<string, ModelPricing> {
  const overrides = tokenPricesFromConfig(config.cost.token_pricing);
  const out: Record<string, ModelPricing> = {};
  for (const variant of models) {
    // A variant may be `model=prompt-file`: the price is the model's.
    const spec = variant.split("=")[0] ?? variant;
    const provider = spec.slice(0, spec.indexOf(":"));
    const { source, price } = priceSourceOf(spec, overrides, pricingEndpoint(config, provider));
    out[spec] = price
      ? { source, input_per_million: price.input, output_per_million: price.output }
      : { source };
  }
  return out;
}
