/**
 * `ratchet/client`: fetch the live prompt version from `ratchet serve` in an application.
 * Deliberately self-contained (global fetch only, no store, no AI SDK) so that importing it
 * costs an application nothing.
 */
import { routesToCandidate } from "./route.js";

export { routeBucket, routesToCandidate } from "./route.js";

export interface ClientToolDefinition {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

/** The settings versioned with a prompt (model, temperature, tool definitions…). */
export interface ClientPromptSettings {
  model?: string;
  temperature?: number;
  max_tokens?: number;
  max_steps?: number;
  tools?: ClientToolDefinition[];
}

export interface Prompt {
  name: string;
  /** The version hash; undefined when the fallback text is served. */
  version: string | undefined;
  /** The label asked for; null when a version was asked for by hash. */
  label: string | null;
  content: string;
  settings: ClientPromptSettings | null;
  /**
   * `server`: fresh (200 or 304); `cache`: within `ttlMs`, not asked; `stale`: the server
   * failed and the last good value is served; `fallback`: the server failed and nothing was
   * cached, so the given fallback text is served.
   */
  source: "server" | "cache" | "stale" | "fallback";
  /** Set when a running canary routed this request: which canary, and which arm served. */
  canary?: { id: string; arm: "control" | "candidate" };
}

/** What the server says about a running canary when asked without a key. */
interface CanaryRouting {
  id: string;
  traffic: number;
  candidate: { version: string; content: string; settings: ClientPromptSettings | null };
}

export interface GetPromptOptions {
  /** Default `production`. */
  label?: string;
  /** A version hash (or prefix ≥ 7) instead of a label. */
  version?: string;
  /** Default `$RATCHET_URL`, else http://127.0.0.1:4318. */
  baseUrl?: string;
  /** Bearer token; default `$RATCHET_SERVER_TOKEN`. */
  token?: string;
  /** How long a fetched value is used without asking the server again. Default 60 s. */
  ttlMs?: number;
  /** Served (as `source: "fallback"`) when the server is down or failing and nothing is cached. */
  fallback?: string;
  /** Per request; default 2 s. */
  timeoutMs?: number;
  /** Another fetch (tests, proxies); default the global one. */
  fetch?: typeof fetch;
  /**
   * Who is asking (a user, session or account id). While a canary runs on the label, a key
   * always gets the same arm; without a key the control is served.
   */
  key?: string;
  /**
   * Put the served version on the active OpenTelemetry span (when `@opentelemetry/api` is
   * installed), so that ingested traces say which version served them. Default true.
   */
  tagActiveSpan?: boolean;
}

/** A prompt could not be had: an answer the server gave (4xx), or an outage with no fallback. */
export class PromptFetchError extends Error {
  override name = "PromptFetchError";
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

interface Entry {
  prompt: Prompt;
  canary?: CanaryRouting;
  etag: string | undefined;
  fetchedAt: number;
}

function env(key: string): string | undefined {
  return typeof process !== "undefined" ? process.env?.[key] : undefined;
}

export interface PromptClient {
  getPrompt(name: string, options?: GetPromptOptions): Promise<Prompt>;
  /** Forget cached values (all, or one name's). */
  clear(name?: string): void;
}

/** A client with its own cache; `getPrompt` below uses a shared default one. */
export function createPromptClient(defaults: GetPromptOptions = {}): PromptClient {
  const cache = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Entry>>();

  async function fetchPrompt(
    key: string,
    name: string,
    o: GetPromptOptions,
    cached: Entry | undefined,
  ): Promise<Entry> {
    const base = (o.baseUrl ?? env("RATCHET_URL") ?? "http://127.0.0.1:4318").replace(/\/+$/, "");
    const query =
      o.version !== undefined
        ? `version=${encodeURIComponent(o.version)}`
        : `label=${encodeURIComponent(o.label ?? "production")}`;
    const url = `${base}/v1/prompts/${encodeURIComponent(name)}?${query}`;
    const token = o.token ?? env("RATCHET_SERVER_TOKEN");
    const headers: Record<string, string> = { accept: "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    if (cached?.etag) headers["if-none-match"] = cached.etag;
    const doFetch = o.fetch ?? globalThis.fetch;
    const outage = (why: string): Entry => {
      if (cached) return { ...cached, prompt: { ...cached.prompt, source: "stale" } };
      if (o.fallback !== undefined) {
        return {
          prompt: {
            name,
            version: undefined,
            label: o.version !== undefined ? null : (o.label ?? "production"),
            content: o.fallback,
            settings: null,
            source: "fallback",
          },
          etag: undefined,
          fetchedAt: 0,
        };
      }
      throw new PromptFetchError(
        `cannot get prompt '${name}' from ${base}: ${why}; no fallback given`,
      );
    };
    let response: Response;
    try {
      response = await doFetch(url, {
        headers,
        signal: AbortSignal.timeout(o.timeoutMs ?? 2000),
      });
    } catch (error) {
      return outage(error instanceof Error ? error.message : String(error));
    }
    if (response.status === 304 && cached) {
      await response.body?.cancel();
      cached.fetchedAt = Date.now();
      return { ...cached, prompt: { ...cached.prompt, source: "server" } };
    }
    if (response.status >= 500) {
      await response.body?.cancel();
      return outage(`the server answered ${response.status}`);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      if (response.ok) return outage("the server's answer was not JSON");
    }
    if (!response.ok) {
      const message =
        body !== null && typeof body === "object" && "message" in body
          ? String((body as { message: unknown }).message)
          : `HTTP ${response.status}`;
      throw new PromptFetchError(`cannot get prompt '${name}': ${message}`, response.status);
    }
    const data = body as Omit<Prompt, "source" | "canary"> & { canary?: CanaryRouting };
    const prompt: Prompt = {
      name: data.name,
      version: data.version,
      label: data.label,
      content: data.content,
      settings: data.settings,
      source: "server",
    };
    const entry: Entry = {
      prompt,
      ...(data.canary?.candidate !== undefined ? { canary: data.canary } : {}),
      etag: response.headers.get("etag") ?? undefined,
      fetchedAt: Date.now(),
    };
    cache.set(key, entry);
    return entry;
  }

  async function serve(
    entry: Entry,
    o: GetPromptOptions,
    source?: Prompt["source"],
  ): Promise<Prompt> {
    let prompt: Prompt = source === undefined ? entry.prompt : { ...entry.prompt, source };
    const canary = entry.canary;
    if (canary !== undefined && o.key !== undefined && o.key !== "") {
      const toCandidate = routesToCandidate(canary.id, o.key, canary.traffic);
      prompt = toCandidate
        ? {
            ...prompt,
            version: canary.candidate.version,
            content: canary.candidate.content,
            settings: canary.candidate.settings,
            canary: { id: canary.id, arm: "candidate" },
          }
        : { ...prompt, canary: { id: canary.id, arm: "control" } };
    }
    if (o.tagActiveSpan !== false) await tagActiveSpan(prompt);
    return prompt;
  }

  return {
    async getPrompt(name, options = {}) {
      const o = { ...defaults, ...options };
      const key = JSON.stringify([o.baseUrl ?? "", name, o.version ?? "", o.label ?? ""]);
      const cached = cache.get(key);
      if (cached && Date.now() - cached.fetchedAt < (o.ttlMs ?? 60_000)) {
        return serve(cached, o, "cache");
      }
      // Callers asking at once share one request (those with the same fallback: an outage
      // answers each with its own).
      const flightKey = JSON.stringify([key, o.fallback ?? null]);
      const pending = inFlight.get(flightKey);
      if (pending) return serve(await pending, o);
      const request = fetchPrompt(key, name, o, cached).finally(() => inFlight.delete(flightKey));
      inFlight.set(flightKey, request);
      return serve(await request, o);
    },
    clear(name) {
      for (const key of [...cache.keys()]) {
        if (name === undefined || (JSON.parse(key) as string[])[1] === name) cache.delete(key);
      }
    },
  };
}

const shared = createPromptClient();

/**
 * The prompt a label (default `production`) points at, cached for `ttlMs` and revalidated
 * with its ETag after that. When the server is down or answers 5xx, the last good value is
 * served, else `fallback`; only with neither does it throw. A 4xx (bad token, unknown name
 * or label) throws: that is a mistake to fix, not an outage.
 */
export function getPrompt(name: string, options?: GetPromptOptions): Promise<Prompt> {
  return shared.getPrompt(name, options);
}

/**
 * Span attributes that tie production traces to the version that produced them
 * (`ratchet cost` groups by `ratchet.prompt.version`, which reads `name@hash` as runs do).
 */
export function promptSpanAttributes(prompt: Prompt): Record<string, string> {
  return {
    "ratchet.prompt.name": prompt.name,
    ...(prompt.version !== undefined
      ? { "ratchet.prompt.version": `${prompt.name}@${prompt.version}` }
      : {}),
    ...(prompt.label !== null ? { "ratchet.prompt.label": prompt.label } : {}),
    ...(prompt.canary !== undefined ? { "ratchet.canary.id": prompt.canary.id } : {}),
  };
}

interface ActiveSpanApi {
  trace: {
    getActiveSpan(): { setAttributes(attributes: Record<string, string>): unknown } | undefined;
  };
}

let otelApi: Promise<ActiveSpanApi | undefined> | undefined;

/**
 * Tags the application's active span, when it uses OpenTelemetry; an application without it
 * pays nothing (the import fails once and is remembered).
 */
async function tagActiveSpan(prompt: Prompt): Promise<void> {
  otelApi ??= import("@opentelemetry/api").then(
    (api) => api as unknown as ActiveSpanApi,
    () => undefined,
  );
  const api = await otelApi;
  api?.trace.getActiveSpan()?.setAttributes(promptSpanAttributes(prompt));
}
