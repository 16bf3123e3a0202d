import type { JsonValue } from "../core/index.js";
import { isSecretKey } from "../redact/index.js";

/**
 * The config and flags as a run stores them. Keys are normally env var names and `${VAR}`
 * stays unexpanded, but a config may still hold a literal secret (`server.token`, a header
 * written out in full): a value under a secret name is replaced, whatever it looks like.
 */
export function configSnapshot(value: unknown): JsonValue {
  return maskSecretValues(JSON.parse(JSON.stringify(value)) as JsonValue);
}

function maskSecretValues(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(maskSecretValues);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, JsonValue> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] =
      isSecretKey(key) && (typeof inner === "string" || typeof inner === "number")
        ? "<SECRET>"
        : maskSecretValues(inner as JsonValue);
  }
  return out;
}
