import { expandEnvString } from "../config/index.js";
import { InputError } from "../core/index.js";
import { registerSecret } from "./redact.js";
import type { Env } from "./types.js";

/**
 * Expands `${VAR}` in a provider's headers. The config keeps these literal (they may hold
 * credentials), so this is the one place they are filled in; every expanded value is
 * registered as a secret so that an error echoing the header is scrubbed.
 */
export function expandHeaders(
  provider: string,
  headers: Record<string, string> | undefined,
  env: Env,
): Record<string, string> | undefined {
  if (!headers) return undefined;
  return expandSecretValues(headers, env, `providers.${provider}.headers`);
}

/**
 * `${VAR}` in values the config keeps literal because they may hold credentials (provider
 * headers, an HTTP agent's headers and body, an exec agent's environment). Expanded at the
 * last moment, never stored; every expanded value is registered for scrubbing. An unset
 * variable without a default is an input error naming the key.
 */
export function expandSecretValues(
  values: Record<string, string>,
  env: Env,
  keyPrefix: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(values))
    out[name] = expandSecret(raw, env, `${keyPrefix}.${name}`);
  return out;
}

export function expandSecret(raw: string, env: Env, key: string): string {
  const value = expandEnvString(raw, env, (variable) => {
    throw new InputError(`${key} uses \`\${${variable}}\`, which is not set and has no default`, {
      key,
    });
  });
  if (value !== raw) {
    registerSecret(value);
    for (const m of raw.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) registerSecret(env[m[1]!]);
  }
  return value;
}
