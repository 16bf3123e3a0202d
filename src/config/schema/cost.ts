import { z } from "zod";
import { LIMITS } from "./limits.js";

const PerMillion = z.number().min(0).max(LIMITS.usd);

export const ModelPriceSchema = z.strictObject({
  input_per_million: PerMillion,
  output_per_million: PerMillion,
  cached_input_per_million: PerMillion.optional(),
});

export const CostSchema = z
  .strictObject({
    /** Keyed by "provider:model". */
    token_pricing: z.record(z.string().min(1), ModelPriceSchema).default({}),
    /** Price for models absent from `token_pricing`; the seed's per-token price lands here. */
    default_pricing: ModelPriceSchema.optional(),
  })
  .prefault({});

export const CacheSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    ttl_seconds: z.int().min(0).max(LIMITS.cacheTtlSeconds).default(604800),
  })
  .prefault({});

export const StoreSchema = z
  .strictObject({
    path: z.string().min(1).default(".ratchet/ratchet.db"),
    /** A database URL (postgres later); when set it wins over `path`. */
    url: z.string().min(1).optional(),
  })
  .prefault({});

export type ModelPrice = z.output<typeof ModelPriceSchema>;
export type CostConfig = z.output<typeof CostSchema>;
export type CacheConfig = z.output<typeof CacheSchema>;
export type StoreConfig = z.output<typeof StoreSchema>;
