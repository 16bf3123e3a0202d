import { InputError } from "../core/index.js";
import { registerSecret } from "./redact.js";
import type { Env, ProviderSettingsInput, ProvidersInput } from "./types.js";

/** Providers usable without a `providers:` entry; a config entry of the same name replaces one. */
const BUILT_IN: ProvidersInput = {
  openai: { type: "openai" },
  anthropic: { type: "anthropic" },
  ollama: { type: "ollama" },
  sim: { type: "sim" },
};

const DEFAULT_KEY_ENV: Partial<Record<ProviderSettingsInput["type"], string>> = {
  openai: "OPENAI_API_KEY",
  anthropic: "ANTHROPIC_API_KEY",
};

export function providerTable(providers: ProvidersInput | undefined): ProvidersInput {
  return { ...BUILT_IN, ...(providers ?? {}) };
}

/**
 * A provider's API key, read at resolve time from the environment only, registered for
 * scrubbing, and never put in an error message. `what` names the caller's model in errors.
 */
export function readProviderKey(
  name: string,
  settings: ProviderSettingsInput,
  env: Env,
  what: string,
): string | undefined {
  const variable = settings.api_key_env ?? DEFAULT_KEY_ENV[settings.type];
  if (!variable) return undefined;
  const value = env[variable];
  if (value === undefined || value.trim() === "") {
    throw new InputError(
      `${what} needs an API key: environment variable ${variable} is not set`,
      settings.api_key_env ? { key: `providers.${name}.api_key_env` } : {},
    );
  }
  registerSecret(value);
  return value;
}

/** Users write the server address; the Ollama provider wants the /api root. */
export function ollamaBaseUrl(settings: ProviderSettingsInput, env: Env): string | undefined {
  const raw = settings.base_url ?? (env.OLLAMA_HOST ? env.OLLAMA_HOST : undefined);
  if (!raw) return undefined;
  const trimmed = (/^https?:\/\//.test(raw) ? raw : `http://${raw}`).replace(/\/+$/, "");
  return /\/api$/.test(trimmed) ? trimmed : `${trimmed}/api`;
}
