import { z } from "zod";
import { suggestionSuffix } from "../did-you-mean.js";
import { AgentSchema, BUILTIN_PROVIDERS } from "./agent.js";
import { CacheSchema, CostSchema, StoreSchema } from "./cost.js";
import { EvaluationSchema } from "./evaluation.js";
import { OptimizationSchema, PromotionSchema, RollbackSchema } from "./lifecycle.js";
import { LiveSchema } from "./live.js";
import { MiningSchema } from "./mining.js";
import { ObservabilitySchema } from "./observability.js";
import { PipelineSchema } from "./pipeline.js";
import { ProvidersSchema } from "./providers.js";
import { RedactionSchema } from "./redaction.js";
import { ServerSchema } from "./server.js";

/** Top-level sections; the seed nests these under `pipeline:` and the loader hoists them. */
export const SECTION_KEYS = [
  "agent",
  "providers",
  "evaluation",
  "cost",
  "cache",
  "store",
  "optimization",
  "promotion",
  "rollback",
  "observability",
] as const;

export const RatchetConfigSchema = z
  .strictObject({
    pipeline: PipelineSchema,
    agent: AgentSchema,
    providers: ProvidersSchema,
    evaluation: EvaluationSchema,
    cost: CostSchema,
    cache: CacheSchema,
    store: StoreSchema,
    optimization: OptimizationSchema,
    promotion: PromotionSchema,
    rollback: RollbackSchema,
    live: LiveSchema,
    observability: ObservabilitySchema,
    mining: MiningSchema,
    server: ServerSchema,
    redaction: RedactionSchema,
  })
  .superRefine((config, ctx) => {
    const provider = config.agent.model.slice(0, config.agent.model.indexOf(":"));
    const known = [...BUILTIN_PROVIDERS, ...Object.keys(config.providers)];
    if (!known.includes(provider)) {
      ctx.addIssue({
        code: "custom",
        path: ["agent", "model"],
        message:
          `unknown provider \`${provider}\`; use one of ${known.join(", ")} or declare it under \`providers:\`` +
          suggestionSuffix(provider, known),
      });
    }
  })
  .transform((config) => {
    const seedPrice = config.observability.cost_tracking.token_pricing;
    if (config.cost.default_pricing !== undefined || seedPrice === undefined) return config;
    // Per token → per million; rounded so 0.000003 * 1e6 reads 3, not 2.9999999999999996.
    const perMillion = (usd: number) => Math.round(usd * 1e6 * 1e9) / 1e9;
    return {
      ...config,
      cost: {
        ...config.cost,
        default_pricing: {
          input_per_million: perMillion(seedPrice.input),
          output_per_million: perMillion(seedPrice.output),
          ...(seedPrice.cached_input !== undefined
            ? { cached_input_per_million: perMillion(seedPrice.cached_input) }
            : {}),
        },
      },
    };
  });

/** The resolved config, every default applied. */
export type RatchetConfig = z.output<typeof RatchetConfigSchema>;
/** What a user may write (before defaults). */
export type RatchetConfigInput = z.input<typeof RatchetConfigSchema>;
