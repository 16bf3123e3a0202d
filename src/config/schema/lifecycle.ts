import { z } from "zod";
import { LIMITS } from "./limits.js";

const Unit = z.number().min(0).max(1);

/** One improvement-loop preset; every key optional over the preset it extends. */
export const PresetSchema = z.strictObject({
  extends: z.enum(["innovate", "harden", "repair-only"]).optional(),
  description: z.string().optional(),
  /** Clusters optimized per cycle at most, worst first. */
  max_clusters: z.int().min(1).max(100).optional(),
  /** Only clusters with at least one failure of this severity or worse. */
  min_severity: z.enum(["low", "medium", "high", "critical"]).optional(),
  /** Safety clusters first (harden). */
  safety_first: z.boolean().optional(),
  proposer: z.enum(["auto", "rule", "reflective"]).optional(),
  epochs: z.int().min(1).max(20).optional(),
  max_rounds: z.int().min(1).max(100).optional(),
  patience: z.int().min(1).max(100).optional(),
  fix_share: Unit.optional(),
  regression_tolerance: Unit.optional(),
  budget_calls: z.int().min(1).optional(),
  budget_usd: z.number().positive().optional(),
  gate_epochs: z.int().min(1).max(LIMITS.repeat).optional(),
  confirm_epochs: z.int().min(1).max(LIMITS.repeat).optional(),
  /** `ratchet`: a proven improvement may replace a champion under `minimum_score`. */
  below_minimum: z.enum(["block", "ratchet"]).optional(),
});

export const OptimizationSchema = z
  .strictObject({
    clustering: z
      .strictObject({
        /** `embedding_similarity` (the seed's name) is HDBSCAN over the embeddings. */
        method: z
          .enum(["embedding_similarity", "hdbscan", "dbscan", "agglomerative"])
          .default("embedding_similarity"),
        threshold: Unit.default(0.75),
        max_clusters: z.int().min(1).max(1000).default(12),
        /**
         * `provider:model` for provider embeddings (cached in the store); absent: the offline
         * lexical embedder (TF-IDF + LSA), no keys.
         */
        embedding_model: z
          .string()
          .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*:\S.*$/, {
            error: 'expected "provider:model", e.g. "openai:text-embedding-3-small" or "sim:embed"',
          })
          .optional(),
      })
      .prefault({}),
    patching: z
      .strictObject({
        max_prompt_length: z.int().min(1).max(1_000_000).default(2048),
        regression_tolerance: Unit.default(0.02),
        validation_scenarios: z.enum(["failing_only", "cluster", "all"]).default("failing_only"),
      })
      .prefault({}),
    /**
     * `ratchet improve --preset <name>`: the built-in presets (innovate, harden, repair-only)
     * changed here key by key, or new ones (`extends` a built-in). See src/loop/presets.ts.
     */
    presets: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), PresetSchema).default({}),
  })
  .prefault({});

const ChangeTypeSubsetSchema = z.strictObject({
  /** Suite files (globs, relative to the config) this change must pass; default: all suites. */
  suites: z.array(z.string().min(1)).min(1).optional(),
  /** Only cases with one of these tags; default: every case. */
  tags: z.array(z.string().min(1)).min(1).optional(),
  /** Dimensions gated besides `overall`; default per change type (see gate/change-types.ts). */
  dimensions: z.array(z.enum(["accuracy", "latency", "tool_use", "safety", "cost"])).optional(),
});

export const PromotionSchema = z
  .strictObject({
    gatekeeper: z
      .strictObject({
        /** Gate for promotion; separate from `evaluation.threshold` on purpose (seed: 0.88). */
        minimum_score: Unit.default(0.88),
        /**
         * Default paired_t_test: on bench/gate's simulated gates it keeps A/A false promotions
         * near 1% with the top power (welch_t_test, the seed's name, ignores the pairing and
         * has about half the power); see src/gate/decide/default-test.ts. `bootstrap` is read
         * as `paired_bootstrap`.
         */
        statistical_test: z
          .enum([
            "welch_t_test",
            "paired_t_test",
            "paired_bootstrap",
            "bootstrap",
            "wilcoxon",
            "mcnemar",
          ])
          .default("paired_t_test"),
        significance_level: z.number().gt(0).lt(1).default(0.05),
        shadow_sample_size: z.int().min(1).max(10_000_000).default(500),
        /** Epochs per side in a fixed gate and in the first round of `--until-decided`. */
        epochs: z.int().min(1).max(LIMITS.repeat).default(3),
        /** Upper bound on epochs per case for `--until-decided`. */
        max_epochs: z.int().min(1).max(LIMITS.repeat).default(10),
        /** Bootstrap resamples. */
        resamples: z.int().min(100).max(1_000_000).default(10_000),
        /**
         * Cases with this tag are held out: the gate decides on the others and confirms a
         * promotion on these before the label moves (no sealed case: fresh seeds instead).
         */
        sealed_tag: z.string().min(1).default("sealed"),
        /**
         * `block`: a challenger under `minimum_score` is never promoted. `ratchet`: when the
         * champion is under it too, a challenger better beyond noise replaces it (the loop's
         * presets use this to climb from a weak start; `harden` keeps `block`).
         */
        below_minimum: z.enum(["block", "ratchet"]).default("block"),
      })
      .prefault({}),
    change_types: z
      .strictObject({
        prompt: ChangeTypeSubsetSchema.optional(),
        tool: ChangeTypeSubsetSchema.optional(),
        model: ChangeTypeSubsetSchema.optional(),
        retrieval: ChangeTypeSubsetSchema.optional(),
      })
      .prefault({}),
  })
  .prefault({});

export const RollbackSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    max_versions_retained: z.int().min(1).max(10_000).default(10),
  })
  .prefault({});

export type OptimizationConfig = z.output<typeof OptimizationSchema>;
export type PromotionConfig = z.output<typeof PromotionSchema>;
export type RollbackConfig = z.output<typeof RollbackSchema>;
