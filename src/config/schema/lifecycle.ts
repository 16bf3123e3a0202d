import { z } from "zod";

const Unit = z.number().min(0).max(1);

export const OptimizationSchema = z
  .strictObject({
    clustering: z
      .strictObject({
        method: z.string().min(1).default("embedding_similarity"),
        threshold: Unit.default(0.75),
        max_clusters: z.int().min(1).max(1000).default(12),
      })
      .prefault({}),
    patching: z
      .strictObject({
        max_prompt_length: z.int().min(1).max(1_000_000).default(2048),
        regression_tolerance: Unit.default(0.02),
        validation_scenarios: z.enum(["failing_only", "cluster", "all"]).default("failing_only"),
      })
      .prefault({}),
  })
  .prefault({});

export const PromotionSchema = z
  .strictObject({
    gatekeeper: z
      .strictObject({
        /** Gate for promotion; separate from `evaluation.threshold` on purpose. */
        minimum_score: Unit.default(0.85),
        /**
         * Default paired_t_test: on bench/gate's simulated gates it keeps A/A false promotions
         * near 1% with the top power (welch_t_test, the seed's name, ignores the pairing and
         * has about half the power); see src/gate/decide/default-test.ts.
         */
        statistical_test: z
          .enum(["welch_t_test", "paired_t_test", "bootstrap", "wilcoxon", "mcnemar"])
          .default("paired_t_test"),
        significance_level: z.number().gt(0).lt(1).default(0.05),
        shadow_sample_size: z.int().min(1).max(10_000_000).default(200),
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
