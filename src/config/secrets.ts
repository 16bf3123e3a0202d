import type { RedactionOptions } from "../redact/index.js";
import type { Env } from "./env.js";
import type { RatchetConfig } from "./schema/root.js";

/** The built-in providers' key variables: their values are keys whoever reads them. */
const DEFAULT_KEY_VARIABLES = ["OPENAI_API_KEY", "ANTHROPIC_API_KEY"];
const DEFAULT_SERVER_TOKEN_VARIABLE = "RATCHET_SERVER_TOKEN";
const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)/g;

function referencesIn(value: unknown, into: Set<string>): void {
  if (typeof value === "string") {
    for (const m of value.matchAll(REFERENCE)) into.add(m[1]!);
  } else if (Array.isArray(value)) {
    for (const item of value) referencesIn(item, into);
  } else if (value !== null && typeof value === "object") {
    for (const item of Object.values(value)) referencesIn(item, into);
  }
}

/**
 * Every environment variable the config names as a credential: providers' `api_key_env`, the
 * built-in providers' key variables, `${VAR}` in provider headers and in an HTTP agent's
 * headers and body and an exec agent's environment (the places the config keeps literal
 * because they hold credentials), and the server's token variable.
 */
export function secretVariables(config: RatchetConfig | undefined): string[] {
  const names = new Set<string>(DEFAULT_KEY_VARIABLES);
  names.add(config?.server.token_env ?? DEFAULT_SERVER_TOKEN_VARIABLE);
  for (const provider of Object.values(config?.providers ?? {})) {
    if (provider.api_key_env) names.add(provider.api_key_env);
    referencesIn(provider.headers, names);
  }
  const agent = config?.agent;
  referencesIn(agent?.http?.headers, names);
  referencesIn(agent?.http?.body, names);
  referencesIn(agent?.exec?.env, names);
  return [...names];
}

/**
 * The redaction rules of a project: the config's `redaction:` section plus the values of its
 * secret variables (and of `extraVariables`, e.g. `serve --token-env`) and a literal
 * `server.token`, masked wherever they appear.
 */
export function redactionOptions(
  config: RatchetConfig | undefined,
  env: Env,
  extraVariables: readonly string[] = [],
): RedactionOptions {
  const secrets: string[] = [];
  for (const name of [...secretVariables(config), ...extraVariables]) {
    const value = env[name];
    if (value) secrets.push(value);
  }
  if (config?.server.token) secrets.push(config.server.token);
  return { ...(config?.redaction ?? {}), secrets };
}
