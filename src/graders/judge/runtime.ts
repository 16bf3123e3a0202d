import type { LanguageModelV3 } from "@ai-sdk/provider";
import type { Dimension, Usage } from "../../core/index.js";
import {
  type Env,
  type ProvidersInput,
  priceUsage,
  type ResponseCacheOptions,
  resolveModel,
  type TokenPrice,
  tokenPricesFromConfig,
} from "../../providers/index.js";
import type { JudgeRuntime } from "./types.js";

export interface JudgeRuntimeOptions {
  providers?: ProvidersInput;
  env?: Env;
  cache?: ResponseCacheOptions;
  cwd?: string;
  prices?: Record<string, TokenPrice>;
  defaultModel?: string;
  dimensionModels?: Partial<Record<Dimension, string>>;
  retries?: number;
}

/**
 * Judge models resolve like any other model (same providers, keys from the environment, same
 * response cache and prices), once per spec.
 */
export function createJudgeRuntime(options: JudgeRuntimeOptions = {}): JudgeRuntime {
  const env = options.env ?? process.env;
  const cached = new Map<string, LanguageModelV3>();
  const raw = new Map<string, LanguageModelV3>();
  const resolveWith = (spec: string, withCache: boolean) =>
    resolveModel(spec, options.providers, env, {
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(withCache && options.cache ? { cache: options.cache } : {}),
    }).model;
  return {
    model(spec) {
      let m = cached.get(spec);
      if (!m) {
        m = resolveWith(spec, true);
        cached.set(spec, m);
      }
      return m;
    },
    uncachedModel(spec) {
      if (!options.cache) return this.model(spec);
      let m = raw.get(spec);
      if (!m) {
        m = resolveWith(spec, false);
        raw.set(spec, m);
      }
      return m;
    },
    price: (spec: string, usage: Usage) => priceUsage(spec, usage, options.prices).usd,
    ...(options.defaultModel ? { defaultModel: options.defaultModel } : {}),
    dimensionModels: options.dimensionModels ?? {},
    retries: options.retries ?? 1,
  };
}

let fallback: JudgeRuntime | undefined;

/** Used when grading without a session runtime (tests, library use): env keys, no cache. */
export function defaultJudgeRuntime(): JudgeRuntime {
  fallback ??= createJudgeRuntime();
  return fallback;
}

/** The config sections a judge runtime reads. */
export interface JudgeRuntimeConfig {
  providers: ProvidersInput;
  evaluation: {
    judge_model?: string | undefined;
    dimension_judges?: Partial<Record<Dimension, string>>;
    judges?: { retries: number };
  };
  cost: {
    token_pricing: Record<
      string,
      {
        input_per_million: number;
        output_per_million: number;
        cached_input_per_million?: number | undefined;
      }
    >;
  };
  cache: { enabled: boolean; ttl_seconds: number };
}

/** A runtime from `ratchet.yaml`: its providers, judge model, prices and response cache. */
export function judgeRuntimeFromConfig(
  config: JudgeRuntimeConfig,
  options: { cwd: string; env?: Env; store?: ResponseCacheOptions["store"]; noCache?: boolean },
): JudgeRuntime {
  const prices = tokenPricesFromConfig(config.cost.token_pricing);
  return createJudgeRuntime({
    providers: config.providers,
    ...(options.env ? { env: options.env } : {}),
    cwd: options.cwd,
    prices,
    ...(options.store && config.cache.enabled && !options.noCache
      ? { cache: { store: options.store, ttlMs: config.cache.ttl_seconds * 1000 } }
      : {}),
    ...(config.evaluation.judge_model ? { defaultModel: config.evaluation.judge_model } : {}),
    dimensionModels: config.evaluation.dimension_judges ?? {},
    retries: config.evaluation.judges?.retries ?? 1,
  });
}
