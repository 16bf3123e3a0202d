export type { CacheStats, ResponseCacheOptions } from "./cache.js";
export {
  cacheKey,
  cacheStats,
  createCacheMiddleware,
  resetCacheStats,
  withResponseCache,
} from "./cache.js";
export type { ProviderCallStats } from "./call-stats.js";
export { providerCallStats, resetProviderCallStats } from "./call-stats.js";
export * from "./embeddings.js";
export type { ClassifiedProviderError, ProviderErrorClass } from "./errors.js";
export { classifyProviderError, parseRetryAfter } from "./errors.js";
export { expandHeaders, expandSecret, expandSecretValues } from "./headers.js";
export type { PriceResult, PriceSource, PricingEndpoint, TokenPrice } from "./pricing.js";
export {
  DEFAULT_TOKEN_PRICES,
  priceSourceOf,
  priceUsage,
  SIM_DEFAULT_PRICE,
  tokenPricesFromConfig,
  usageFromSdk,
} from "./pricing.js";
export { redactSecrets } from "./redact.js";
export type { ResolveOptions } from "./resolve.js";
export { resolveModel, resolveModels } from "./resolve.js";
export * from "./sim/index.js";
export { parseModelSpec } from "./spec.js";
export type { HttpFetch, HttpFetchOptions } from "./transport/index.js";
export { createHttpFetch, sharedHttpFetch } from "./transport/index.js";
export type {
  Env,
  ModelSpec,
  ProviderSettingsInput,
  ProvidersInput,
  ProviderType,
  ResolvedModel,
} from "./types.js";
export { PROVIDER_TYPES } from "./types.js";
