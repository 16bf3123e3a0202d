import type { LanguageModelV3 } from "@ai-sdk/provider";

/** Provider kinds Ratchet can build a model for. */
export type ProviderType = "openai" | "anthropic" | "ollama" | "openai-compatible" | "sim";

export const PROVIDER_TYPES: readonly ProviderType[] = [
  "openai",
  "anthropic",
  "ollama",
  "openai-compatible",
  "sim",
];

/**
 * One entry of `providers:` in ratchet.yaml. The config module owns the real schema; this is
 * the minimal shape the provider layer reads, so the two can be written in parallel.
 */
export interface ProviderSettingsInput {
  type: ProviderType;
  base_url?: string;
  /** Name of the environment variable holding the key; the key itself is never configured. */
  api_key_env?: string;
  headers?: Record<string, string>;
  max_concurrency?: number;
  /** sim only: fixed latency per call in ms (0 = answer at once); default from the profile. */
  latency_ms?: number;
  /** sim only: folder searched for `<profile>.yaml` before the bundled profiles. */
  profiles_dir?: string;
  /** sim only: overrides the profile's flake rate. */
  flake_rate?: number;
}

export type ProvidersInput = Record<string, ProviderSettingsInput>;

export type Env = Record<string, string | undefined>;

export interface ModelSpec {
  /** The spec as written, e.g. `openai:gpt-4o-mini`. */
  spec: string;
  /** Provider name: a built-in (`openai`, `anthropic`, `ollama`, `sim`) or a configured name. */
  provider: string;
  modelId: string;
}

export interface ResolvedModel extends ModelSpec {
  providerType: ProviderType;
  /** Ready to pass to `generateText({ model })`; wrapped with the response cache when enabled. */
  model: LanguageModelV3;
  maxConcurrency?: number;
  /** One-time warm-up before the first call (the sim's tokenizer); not part of any call. */
  prepare?: () => Promise<void>;
}
