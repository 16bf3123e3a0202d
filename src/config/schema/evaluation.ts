import { z } from "zod";
import type { Dimension } from "../../core/index.js";
import { DEFAULT_DIMENSIONS, DimensionsSchema } from "./dimensions.js";
import { LIMITS } from "./limits.js";

export const DEFAULT_SUITE_GLOBS = ["suites/**/*.{yaml,yml,jsonl,csv}"];

/** `{type, ...params}`; each grader validates its own params. */
export const AssertionSpecSchema = z.looseObject({ type: z.string().min(1) });

const Ms = z.number().positive().max(LIMITS.targetMs);
const Usd = z.number().min(0).max(LIMITS.usd);

export const EvaluationSchema = z
  .strictObject({
    suites: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .transform((v) => (typeof v === "string" ? [v] : v))
      .default(DEFAULT_SUITE_GLOBS),
    dimensions: DimensionsSchema.prefault({ ...DEFAULT_DIMENSIONS }),
    threshold: z.number().min(0).max(1).default(0.8),
    repeat: z.int().min(1).max(LIMITS.repeat).default(1),
    assertions: z.array(AssertionSpecSchema).default([]),
    latency: z
      .strictObject({ p50_ms: Ms.optional(), p95_ms: Ms.optional(), p99_ms: Ms.optional() })
      .prefault({}),
    cost: z
      .strictObject({ max_usd_per_case: Usd.optional(), p95_usd: Usd.optional() })
      .prefault({}),
    judge_model: z.string().min(1).optional(),
    /** Warn when a judge's latest calibration has Cohen's kappa below this. */
    judge_kappa_floor: z.number().min(-1).max(1).default(0.6),
    judges: z
      .strictObject({
        retries: z.int().min(0).max(5).default(1),
        concurrency: z.int().min(1).max(LIMITS.judgeConcurrency).default(4),
      })
      .prefault({}),
    temperature: z.number().min(0).max(2).optional(),
    output_format: z.enum(["json", "text"]).optional(),
  })
  .transform(({ dimensions, ...rest }) => ({
    ...rest,
    /** Weight per dimension; every dimension present, absent ones 0; sums to 1. */
    dimensions: dimensions.weights,
    /** Judge model per dimension (the seed's list form); falls back to `judge_model`. */
    dimension_judges: dimensions.judges as Partial<Record<Dimension, string>>,
  }))
  .prefault({});

export type EvaluationConfig = z.output<typeof EvaluationSchema>;
