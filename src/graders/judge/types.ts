import type { LanguageModelV3 } from "@ai-sdk/provider";
import type { Dimension, Usage } from "../../core/index.js";

/**
 * What judge graders need beyond the attempt: models (resolved through the provider layer,
 * with the response cache), prices, and the configured defaults. The eval session builds one
 * per run with `createJudgeRuntime`; without one, graders resolve models from the environment
 * uncached.
 */
export interface JudgeRuntime {
  /** The model for a spec, wrapped with the response cache when the run has one. */
  model(spec: string): LanguageModelV3;
  /** The same model without the cache, for retries after a malformed answer. */
  uncachedModel(spec: string): LanguageModelV3;
  /** USD for one call's usage. */
  price(spec: string, usage: Usage): number;
  /** `evaluation.judge_model`. */
  defaultModel?: string;
  /** Per-dimension judge models (the seed's list form of `evaluation.dimensions`). */
  dimensionModels: Partial<Record<Dimension, string>>;
  /** Retries after a malformed answer (default 1). */
  retries: number;
}

/** A pointwise judge's structured answer. */
export interface PointwiseVerdict {
  score: number;
  label: "pass" | "fail";
  reasoning: string;
  steps?: Array<{ step: number; score: number }>;
}

export interface PairwiseVerdict {
  winner: "A" | "B" | "tie";
  reasoning: string;
}

export interface JudgeCall<T> {
  value: T;
  model: string;
  usage: Usage;
  cost_usd: number;
  /** Calls made, malformed ones included. */
  calls: number;
}

/** A judge that could not give a usable verdict (malformed after retries, provider error). */
export class JudgeError extends Error {
  readonly class = "judge_error";
  constructor(
    message: string,
    readonly usage: Usage,
    readonly cost_usd: number,
    readonly calls: number,
  ) {
    super(message);
    this.name = "JudgeError";
  }
}
