import type { LanguageModelV3 } from "@ai-sdk/provider";
import { type Clock, InputError } from "../core/index.js";
import { type ResponseCacheOptions, withResponseCache } from "./cache.js";
import { countingFetch } from "./call-stats.js";
import { DeferredLanguageModel, Later } from "./deferred.js";
import { expandHeaders } from "./headers.js";
import { ollamaBaseUrl, providerTable, readProviderKey } from "./settings.js";
import { parseSimJudgeId, SimJudgeModel } from "./sim/judge.js";
import { loadSimProfile } from "./sim/load.js";
import { SimLanguageModel } from "./sim/model.js";
import { parseSimReflectorId, SimReflectorModel } from "./sim/reflector.js";
import { didYouMean, parseModelSpec } from "./spec.js";
import {
  type Env,
  PROVIDER_TYPES,
  type ProviderSettingsInput,
  type ProvidersInput,
  type ResolvedModel,
} from "./types.js";

export interface ResolveOptions {
  /** Response cache over a CacheStore; omitted = no cache. */
  cache?: ResponseCacheOptions;
  /** Cache sim calls too (off by default: the sim is free and deterministic). */
  cacheSim?: boolean;
  /** Base for relative sim profile paths; defaults to process.cwd(). */
  cwd?: string;
  /** Underlying fetch for real providers (a proxy-aware fetch, say); calls are counted on top. */
  fetch?: typeof fetch;
  /** Clock for the sim's simulated latency. */
  clock?: Clock;
}

/**
 * Builds (once per provider name) a function from model id to a raw LanguageModelV3. Settings
 * and keys are checked here; a real provider's SDK is imported on its model's first call
 * (deferred.ts), and its `provider` string is the one that SDK's model reports.
 */
function makeFactory(
  name: string,
  settings: ProviderSettingsInput,
  env: Env,
  spec: string,
  options: ResolveOptions,
): (modelId: string) => LanguageModelV3 {
  const fetch = countingFetch(name, options.fetch);
  const headers = expandHeaders(name, settings.headers, env);
  switch (settings.type) {
    case "openai": {
      const apiKey = readProviderKey(name, settings, env, `model "${spec}"`);
      const provider = new Later(async () =>
        (await import("@ai-sdk/openai")).createOpenAI({
          apiKey,
          ...(settings.base_url ? { baseURL: settings.base_url } : {}),
          ...(headers ? { headers } : {}),
          fetch,
        }),
      );
      return (id) =>
        new DeferredLanguageModel("openai.chat", id, async () => (await provider.get()).chat(id));
    }
    case "anthropic": {
      const apiKey = readProviderKey(name, settings, env, `model "${spec}"`);
      const provider = new Later(async () =>
        (await import("@ai-sdk/anthropic")).createAnthropic({
          apiKey,
          ...(settings.base_url ? { baseURL: settings.base_url } : {}),
          ...(headers ? { headers } : {}),
          fetch,
        }),
      );
      return (id) =>
        new DeferredLanguageModel("anthropic.messages", id, async () =>
          (await provider.get()).messages(id),
        );
    }
    case "ollama": {
      const key = readProviderKey(name, settings, env, `model "${spec}"`);
      const baseURL = ollamaBaseUrl(settings, env);
      const provider = new Later(async () =>
        (await import("ollama-ai-provider-v2")).createOllama({
          ...(baseURL ? { baseURL } : {}),
          headers: { ...(headers ?? {}), ...(key ? { Authorization: `Bearer ${key}` } : {}) },
          fetch,
        }),
      );
      return (id) =>
        new DeferredLanguageModel("ollama.responses", id, async () =>
          (await provider.get()).chat(id),
        );
    }
    case "openai-compatible": {
      if (!settings.base_url) {
        throw new InputError(`provider "${name}" of type openai-compatible needs base_url`, {
          key: `providers.${name}.base_url`,
        });
      }
      const baseURL = settings.base_url;
      const key = readProviderKey(name, settings, env, `model "${spec}"`);
      const provider = new Later(async () =>
        (await import("@ai-sdk/openai-compatible")).createOpenAICompatible({
          name,
          baseURL,
          ...(key ? { apiKey: key } : {}),
          ...(headers ? { headers } : {}),
          includeUsage: true,
          fetch,
        }),
      );
      return (id) =>
        new DeferredLanguageModel(`${name}.chat`, id, async () =>
          (await provider.get()).chatModel(id),
        );
    }
    case "sim":
      return (id) => {
        const judge = parseSimJudgeId(id);
        if (judge) return new SimJudgeModel(judge, name, id);
        const reflector = parseSimReflectorId(id);
        if (reflector) return new SimReflectorModel(reflector, name, id);
        return new SimLanguageModel({
          profile: loadSimProfile(id, {
            ...(settings.profiles_dir ? { profilesDir: settings.profiles_dir } : {}),
            ...(options.cwd ? { cwd: options.cwd } : {}),
          }),
          ...(settings.latency_ms !== undefined ? { latencyMs: settings.latency_ms } : {}),
          ...(settings.flake_rate !== undefined ? { flakeRate: settings.flake_rate } : {}),
          ...(options.clock ? { clock: options.clock } : {}),
          providerName: name,
        });
      };
    default:
      throw new InputError(
        `provider "${name}" has unknown type "${String((settings as { type?: unknown }).type)}"${didYouMean(
          String((settings as { type?: unknown }).type),
          PROVIDER_TYPES,
        )}; expected one of ${PROVIDER_TYPES.join(", ")}`,
        { key: `providers.${name}.type` },
      );
  }
}

/**
 * Turns `provider:model` specs into AI SDK models. Everything is checked before any model is
 * returned (unknown provider, missing key, bad sim profile), so the CLI can exit 2 before
 * writing anything. Keys are read from `env` only and never appear in errors.
 */
export function resolveModels(
  specs: readonly string[],
  providers: ProvidersInput | undefined,
  env: Env,
  options: ResolveOptions = {},
): ResolvedModel[] {
  const table = providerTable(providers);
  const factories = new Map<string, (modelId: string) => LanguageModelV3>();
  const out: ResolvedModel[] = [];
  for (const raw of specs) {
    const spec = parseModelSpec(raw);
    const settings = table[spec.provider];
    if (!settings) {
      const names = Object.keys(table);
      throw new InputError(
        `unknown provider "${spec.provider}" in model "${spec.spec}"${didYouMean(spec.provider, names)}; ` +
          `known providers: ${names.join(", ")}`,
      );
    }
    let factory = factories.get(spec.provider);
    if (!factory) {
      factory = makeFactory(spec.provider, settings, env, spec.spec, options);
      factories.set(spec.provider, factory);
    }
    let model = factory(spec.modelId);
    const bare = model;
    if (options.cache && (settings.type !== "sim" || options.cacheSim)) {
      model = withResponseCache(model, options.cache);
    }
    out.push({
      ...spec,
      providerType: settings.type,
      model,
      ...(settings.max_concurrency !== undefined
        ? { maxConcurrency: settings.max_concurrency }
        : {}),
      ...(bare instanceof SimLanguageModel ? { prepare: () => bare.prepare() } : {}),
    });
  }
  return out;
}

export function resolveModel(
  spec: string,
  providers: ProvidersInput | undefined,
  env: Env,
  options: ResolveOptions = {},
): ResolvedModel {
  return resolveModels([spec], providers, env, options)[0]!;
}
