import type { EmbeddingModelV3 } from "@ai-sdk/provider";
import { InputError } from "../core/index.js";
import { countingFetch } from "./call-stats.js";
import { DeferredEmbeddingModel } from "./deferred.js";
import { expandHeaders } from "./headers.js";
import { ollamaBaseUrl, providerTable, readProviderKey } from "./settings.js";
import { SIM_EMBEDDER_IDS, SimEmbeddingModel } from "./sim/embedder.js";
import { didYouMean, parseModelSpec } from "./spec.js";
import type { Env, ModelSpec, ProvidersInput, ProviderType } from "./types.js";

export {
  createSimEmbedder,
  SIM_EMBEDDER_IDS,
  SIM_EMBEDDING_DIMENSIONS,
  type SimEmbedderOptions,
  SimEmbeddingModel,
  simEmbedding,
} from "./sim/embedder.js";

/** The embedder every offline feature uses when no model is named. */
export const DEFAULT_EMBEDDING_MODEL = "sim:embed";

export interface ResolvedEmbeddingModel extends ModelSpec {
  providerType: ProviderType;
  /** Ready for `embed` / `embedMany` from `ai`. */
  model: EmbeddingModelV3;
}

export interface EmbeddingResolveOptions {
  /** Underlying fetch for real providers; calls are counted on top. */
  fetch?: typeof fetch;
}

/** Turns a model spec into an embedding model; throws InputError before any call is made. */
export type EmbeddingResolver = (spec: string) => EmbeddingModelV3;

/**
 * `openai:text-embedding-3-small`, `ollama:nomic-embed-text`, `<configured openai-compatible
 * name>:<model>` or `sim:embed` (offline, deterministic, no key) → an AI SDK embedding model.
 * Anthropic has no embedding API and is refused with a suggestion.
 */
export function resolveEmbeddingModel(
  raw: string,
  providers: ProvidersInput | undefined,
  env: Env,
  options: EmbeddingResolveOptions = {},
): ResolvedEmbeddingModel {
  const spec = parseModelSpec(raw);
  const table = providerTable(providers);
  const settings = table[spec.provider];
  if (!settings) {
    const names = Object.keys(table);
    throw new InputError(
      `unknown provider "${spec.provider}" in embedding model "${spec.spec}"${didYouMean(spec.provider, names)}; known providers: ${names.join(", ")}`,
    );
  }
  const name = spec.provider;
  const headers = expandHeaders(name, settings.headers, env);
  const fetch = countingFetch(name, options.fetch);
  let model: EmbeddingModelV3;
  switch (settings.type) {
    case "sim":
      if (!SIM_EMBEDDER_IDS.has(spec.modelId)) {
        throw new InputError(
          `"${spec.spec}" is not an embedding model; the offline embedder is ${name}:embed`,
        );
      }
      model = new SimEmbeddingModel({ providerName: name, modelId: spec.modelId });
      break;
    // The SDK is imported on the first call (deferred.ts); `provider` is what its model reports.
    case "openai": {
      const apiKey = readProviderKey(name, settings, env, `embedding model "${spec.spec}"`);
      model = new DeferredEmbeddingModel("openai.embedding", spec.modelId, async () =>
        (await import("@ai-sdk/openai"))
          .createOpenAI({
            apiKey,
            ...(settings.base_url ? { baseURL: settings.base_url } : {}),
            ...(headers ? { headers } : {}),
            fetch,
          })
          .embedding(spec.modelId),
      );
      break;
    }
    case "ollama": {
      const key = readProviderKey(name, settings, env, `embedding model "${spec.spec}"`);
      const baseURL = ollamaBaseUrl(settings, env);
      model = new DeferredEmbeddingModel("ollama.embedding", spec.modelId, async () =>
        (await import("ollama-ai-provider-v2"))
          .createOllama({
            ...(baseURL ? { baseURL } : {}),
            headers: { ...(headers ?? {}), ...(key ? { Authorization: `Bearer ${key}` } : {}) },
            fetch,
          })
          .embedding(spec.modelId),
      );
      break;
    }
    case "openai-compatible": {
      if (!settings.base_url) {
        throw new InputError(`provider "${name}" of type openai-compatible needs base_url`, {
          key: `providers.${name}.base_url`,
        });
      }
      const baseURL = settings.base_url;
      const key = readProviderKey(name, settings, env, `embedding model "${spec.spec}"`);
      model = new DeferredEmbeddingModel(`${name}.embedding`, spec.modelId, async () =>
        (await import("@ai-sdk/openai-compatible"))
          .createOpenAICompatible({
            name,
            baseURL,
            ...(key ? { apiKey: key } : {}),
            ...(headers ? { headers } : {}),
            fetch,
          })
          .embeddingModel(spec.modelId),
      );
      break;
    }
    case "anthropic":
      throw new InputError(
        `provider "${name}" (anthropic) has no embedding models; use e.g. openai:text-embedding-3-small, ollama:nomic-embed-text or sim:embed`,
      );
    default:
      throw new InputError(
        `provider "${name}" has unknown type "${String((settings as { type?: unknown }).type)}"`,
        { key: `providers.${name}.type` },
      );
  }
  return { ...spec, providerType: settings.type, model };
}

/**
 * A resolver bound to the config's providers and environment, memoized per spec so that
 * every grader naming one model shares one client.
 */
export function createEmbeddingResolver(
  providers: ProvidersInput | undefined,
  env: Env,
  options: EmbeddingResolveOptions = {},
): EmbeddingResolver {
  const cache = new Map<string, EmbeddingModelV3>();
  return (spec) => {
    const key = spec.trim();
    let model = cache.get(key);
    if (model === undefined) {
      model = resolveEmbeddingModel(key, providers, env, options).model;
      cache.set(key, model);
    }
    return model;
  };
}

/** Cosine of two vectors of equal length; 0 when either is the zero vector. */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) {
    throw new RangeError(`vectors differ in length (${a.length} vs ${b.length})`);
  }
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 || nb === 0) return 0;
  return dot / Math.sqrt(na * nb);
}
