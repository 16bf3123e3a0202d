import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3Middleware,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
  SharedV3ProviderMetadata,
  SharedV3Warning,
} from "@ai-sdk/provider";
import type { JsonValue } from "../core/index.js";
import type { CacheStore } from "../store/types.js";
import { canonicalJson, sha256 } from "./canonical.js";
import { DeferredLanguageModel } from "./deferred.js";
import { holdsKnownSecret } from "./redact.js";

export interface ResponseCacheOptions {
  store: CacheStore;
  /** Entry lifetime; `null` (default) keeps entries until the store drops them. */
  ttlMs?: number | null;
  /** Bypass the cache entirely: no reads, no writes. */
  noCache?: boolean;
  /** Skip reads but still write fresh results (`--refresh-cache`). */
  refresh?: boolean;
  /** Clock for TTL; injectable for tests. */
  now?: () => number;
}

export interface CacheStats {
  hits: number;
  misses: number;
  writes: number;
  /** Store reads or writes that failed; the call went on uncached. */
  storeErrors: number;
}

const stats: CacheStats = { hits: 0, misses: 0, writes: 0, storeErrors: 0 };

export function cacheStats(): CacheStats {
  return { ...stats };
}

export function resetCacheStats(): void {
  stats.hits = 0;
  stats.misses = 0;
  stats.writes = 0;
  stats.storeErrors = 0;
}

const KEY_VERSION = 1;

/**
 * The cache key: everything that shapes the answer and nothing else. Headers and abort
 * signals are left out on purpose (headers may carry keys; neither changes the answer).
 * Agents that want separate entries per epoch for real models put it in
 * `providerOptions.ratchet`, which providers ignore but the key includes.
 */
export function cacheKey(
  model: Pick<LanguageModelV3, "provider" | "modelId">,
  params: LanguageModelV3CallOptions,
): string {
  return sha256(
    canonicalJson({
      v: KEY_VERSION,
      provider: model.provider,
      modelId: model.modelId,
      prompt: params.prompt,
      tools: params.tools,
      toolChoice: params.toolChoice,
      temperature: params.temperature,
      maxOutputTokens: params.maxOutputTokens,
      responseFormat: params.responseFormat,
      seed: params.seed,
      topP: params.topP,
      topK: params.topK,
      presencePenalty: params.presencePenalty,
      frequencyPenalty: params.frequencyPenalty,
      stopSequences: params.stopSequences,
      providerOptions: params.providerOptions,
    }),
  );
}

interface CachedResult {
  v: number;
  content: LanguageModelV3Content[];
  finishReason: LanguageModelV3FinishReason;
  usage: LanguageModelV3Usage;
  providerMetadata?: SharedV3ProviderMetadata;
  response?: { id?: string; modelId?: string; timestamp?: string };
  warnings: SharedV3Warning[];
}

function toJson(value: unknown): JsonValue {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) =>
      v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v,
    ),
  ) as JsonValue;
}

function serialise(result: LanguageModelV3GenerateResult): JsonValue {
  const cached: CachedResult = {
    v: KEY_VERSION,
    content: result.content,
    finishReason: result.finishReason,
    usage: result.usage,
    ...(result.providerMetadata ? { providerMetadata: result.providerMetadata } : {}),
    response: {
      ...(result.response?.id ? { id: result.response.id } : {}),
      ...(result.response?.modelId ? { modelId: result.response.modelId } : {}),
      ...(result.response?.timestamp ? { timestamp: result.response.timestamp.toISOString() } : {}),
    },
    warnings: result.warnings,
  };
  return toJson(cached);
}

function markCached(
  metadata: SharedV3ProviderMetadata | undefined,
  createdAt: number,
): SharedV3ProviderMetadata {
  return {
    ...(metadata ?? {}),
    ratchet: {
      ...(metadata?.ratchet ?? {}),
      cached: true,
      cachedAt: new Date(createdAt).toISOString(),
    },
  };
}

function revive(value: JsonValue, createdAt: number): LanguageModelV3GenerateResult | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const cached = value as unknown as CachedResult;
  if (cached.v !== KEY_VERSION || !Array.isArray(cached.content)) return undefined;
  return {
    content: cached.content,
    finishReason: cached.finishReason,
    usage: cached.usage,
    providerMetadata: markCached(cached.providerMetadata, createdAt),
    response: {
      ...(cached.response?.id ? { id: cached.response.id } : {}),
      ...(cached.response?.modelId ? { modelId: cached.response.modelId } : {}),
      ...(cached.response?.timestamp ? { timestamp: new Date(cached.response.timestamp) } : {}),
    },
    warnings: cached.warnings ?? [],
  };
}

function isCacheable(result: LanguageModelV3GenerateResult): boolean {
  return result.finishReason.unified !== "error" && result.content.length > 0;
}

/** Replays a stored result as a stream, so cached calls look the same to streamText. */
export function resultToStream(
  result: LanguageModelV3GenerateResult,
): ReadableStream<LanguageModelV3StreamPart> {
  const parts: LanguageModelV3StreamPart[] = [{ type: "stream-start", warnings: result.warnings }];
  if (result.response) parts.push({ type: "response-metadata", ...result.response });
  result.content.forEach((item, index) => {
    const id = String(index);
    if (item.type === "text") {
      parts.push({ type: "text-start", id });
      if (item.text) parts.push({ type: "text-delta", id, delta: item.text });
      parts.push({ type: "text-end", id });
    } else if (item.type === "reasoning") {
      parts.push({ type: "reasoning-start", id });
      if (item.text) parts.push({ type: "reasoning-delta", id, delta: item.text });
      parts.push({ type: "reasoning-end", id });
    } else if (item.type === "tool-call") {
      parts.push({ type: "tool-input-start", id: item.toolCallId, toolName: item.toolName });
      parts.push({ type: "tool-input-delta", id: item.toolCallId, delta: item.input });
      parts.push({ type: "tool-input-end", id: item.toolCallId });
      parts.push(item);
    } else {
      parts.push(item);
    }
  });
  parts.push({
    type: "finish",
    usage: result.usage,
    finishReason: result.finishReason,
    ...(result.providerMetadata ? { providerMetadata: result.providerMetadata } : {}),
  });
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
}

/** Rebuilds a generate result from a finished stream; undefined when the stream failed. */
class StreamCollector {
  private content: LanguageModelV3Content[] = [];
  private open = new Map<string, { type: "text" | "reasoning"; text: string }>();
  private failed = false;
  private finish?: Extract<LanguageModelV3StreamPart, { type: "finish" }>;
  private warnings: SharedV3Warning[] = [];
  private response: LanguageModelV3GenerateResult["response"] = {};

  add(part: LanguageModelV3StreamPart): void {
    switch (part.type) {
      case "stream-start":
        this.warnings = part.warnings;
        break;
      case "response-metadata": {
        const { type: _type, ...meta } = part;
        this.response = { ...this.response, ...meta };
        break;
      }
      case "text-start":
      case "reasoning-start": {
        const entry = {
          type: part.type === "text-start" ? ("text" as const) : ("reasoning" as const),
          text: "",
        };
        this.open.set(`${entry.type}:${part.id}`, entry);
        this.content.push(entry);
        break;
      }
      case "text-delta": {
        const entry = this.open.get(`text:${part.id}`);
        if (entry) entry.text += part.delta;
        break;
      }
      case "reasoning-delta": {
        const entry = this.open.get(`reasoning:${part.id}`);
        if (entry) entry.text += part.delta;
        break;
      }
      case "tool-call":
      case "tool-result":
      case "file":
      case "source":
      case "tool-approval-request":
        this.content.push(part);
        break;
      case "finish":
        this.finish = part;
        break;
      case "error":
        this.failed = true;
        break;
      default:
        break;
    }
  }

  result(): LanguageModelV3GenerateResult | undefined {
    if (this.failed || !this.finish) return undefined;
    return {
      content: this.content,
      finishReason: this.finish.finishReason,
      usage: this.finish.usage,
      ...(this.finish.providerMetadata ? { providerMetadata: this.finish.providerMetadata } : {}),
      response: this.response,
      warnings: this.warnings,
    };
  }
}

/**
 * Response cache as AI SDK middleware. Hits never reach the provider (no HTTP call), are
 * marked `providerMetadata.ratchet.cached = true` and counted in `cacheStats()`. Only
 * successful results are stored; a stream is stored once it finishes without error.
 */
export function createCacheMiddleware(options: ResponseCacheOptions): LanguageModelV3Middleware {
  const now = options.now ?? Date.now;
  const ttl = options.ttlMs ?? null;

  async function lookup(key: string): Promise<LanguageModelV3GenerateResult | undefined> {
    if (options.refresh) return undefined;
    try {
      const entry = await options.store.getCached(key, now());
      if (!entry) return undefined;
      if (entry.expires_at !== null && entry.expires_at <= now()) return undefined;
      return revive(entry.value, entry.created_at);
    } catch {
      stats.storeErrors += 1;
      return undefined;
    }
  }

  async function save(key: string, result: LanguageModelV3GenerateResult): Promise<void> {
    if (!isCacheable(result)) return;
    const value = serialise(result);
    // A model that echoes a key (its own, a header's) is not remembered: the cache lives in
    // the store, which never holds keys. The answer is simply asked for again next time.
    if (holdsKnownSecret(JSON.stringify(value))) return;
    try {
      await options.store.putCached(key, value, ttl, now());
      stats.writes += 1;
    } catch {
      stats.storeErrors += 1;
    }
  }

  return {
    specificationVersion: "v3",
    async wrapGenerate({ doGenerate, params, model }) {
      if (options.noCache) return doGenerate();
      const key = cacheKey(model, params);
      const hit = await lookup(key);
      if (hit) {
        stats.hits += 1;
        return hit;
      }
      stats.misses += 1;
      const result = await doGenerate();
      await save(key, result);
      return result;
    },
    async wrapStream({ doStream, params, model }) {
      if (options.noCache) return doStream();
      const key = cacheKey(model, params);
      const hit = await lookup(key);
      if (hit) {
        stats.hits += 1;
        return { stream: resultToStream(hit) };
      }
      stats.misses += 1;
      const { stream, ...rest } = await doStream();
      const collector = new StreamCollector();
      const tap = new TransformStream<LanguageModelV3StreamPart, LanguageModelV3StreamPart>({
        transform(part, controller) {
          collector.add(part);
          controller.enqueue(part);
        },
        async flush() {
          const result = collector.result();
          if (result) await save(key, result);
        },
      });
      return { stream: stream.pipeThrough(tap), ...rest };
    },
  };
}

/**
 * `model` behind the cache middleware. The AI SDK's `ai` package, which applies it, is imported
 * on the first call (as provider SDKs are, deferred.ts): a run with the cache off never loads it.
 */
export function withResponseCache(
  model: LanguageModelV3,
  options: ResponseCacheOptions,
): LanguageModelV3 {
  const middleware = createCacheMiddleware(options);
  return new DeferredLanguageModel(model.provider, model.modelId, async () =>
    (await import("ai")).wrapLanguageModel({ model, middleware }),
  );
}
