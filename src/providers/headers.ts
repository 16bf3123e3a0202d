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
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    const value = expandEnvString(raw, env, (variable) => {
      throw new InputError(
        `header ${name} of provider "${provider}" uses \`\${${variable}}\`, which is not set and has no default`,
        { key: `providers.${provider}.headers.${name}` },
      );
    });
    if (value !== raw) {
      registerSecret(value);
      for (const m of raw.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) registerSecret(env[m[1]!]);
    }
    out[name] = value;
  }
  return out;
}
