import { InputError } from "../core/index.js";
import type { PathSegment } from "./yaml-locations.js";

/** `$${X}` escapes a literal `${X}`; `${X}` and `${X:-default}` read the environment. */
const PLACEHOLDER = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

const SECRET_NAME = /(^|_)(API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?|AUTH)(_|$)/i;

export type Env = Readonly<Record<string, string | undefined>>;

export function looksLikeSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function hasPlaceholder(text: string): boolean {
  PLACEHOLDER.lastIndex = 0;
  return PLACEHOLDER.test(text);
}

/**
 * Expands placeholders in one string. Used at load time for ordinary values and at
 * request time by adapters for header/env maps, which is where secrets may appear.
 */
export function expandEnvString(
  text: string,
  env: Env,
  onMissing: (name: string) => never = (name) => {
    throw new InputError(`environment variable \`${name}\` is not set and has no default`);
  },
): string {
  return text.replace(
    PLACEHOLDER,
    (whole, name: string | undefined, fallback: string | undefined) => {
      if (whole === "$${") return "${";
      const value = name === undefined ? undefined : env[name];
      if (value !== undefined && value !== "") return value;
      if (fallback !== undefined) return fallback;
      return onMissing(name ?? "");
    },
  );
}

/** Placeholders in these places stay literal: they hold credentials read at request time. */
export function isDeferredPath(path: readonly PathSegment[]): boolean {
  const [a, b, c] = path;
  if (a === "providers" && c === "headers") return true;
  if (a === "agent" && b === "http") return path[2] === "headers" || path[2] === "body";
  if (a === "agent" && b === "exec") return path[2] === "env";
  return false;
}

export interface InterpolateOptions {
  env: Env;
  /** Raises the located error for a path (the loader maps it to file and line). */
  fail: (path: readonly PathSegment[], message: string) => never;
}

/**
 * Returns a copy of `value` with placeholders in string values expanded. Secrets are
 * never expanded into the config: the resolved config is hashed and snapshotted into
 * runs, so a variable that looks like a credential is an error outside deferred places.
 */
export function interpolateEnv(
  value: unknown,
  options: InterpolateOptions,
  path: PathSegment[] = [],
): unknown {
  if (typeof value === "string") {
    if (!value.includes("${") || isDeferredPath(path)) return value;
    return expandEnvString(
      value.replace(PLACEHOLDER, (whole, name: string | undefined) => {
        if (name !== undefined && looksLikeSecretName(name)) {
          options.fail(
            path,
            `\`\${${name}}\` looks like a secret; secrets are not expanded into the config — ` +
              "reference the variable by name (e.g. `providers.<name>.api_key_env`) or use it in headers",
          );
        }
        return whole;
      }),
      options.env,
      (name) =>
        options.fail(path, `environment variable \`${name}\` is not set and has no default`),
    );
  }
  if (Array.isArray(value))
    return value.map((item, i) => interpolateEnv(item, options, [...path, i]));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolateEnv(v, options, [...path, k]);
    return out;
  }
  return value;
}
