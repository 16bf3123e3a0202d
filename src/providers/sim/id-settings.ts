import { InputError } from "../../core/index.js";

/**
 * Settings written in a sim model id (`judge?noise=0.1&seed=3`) → numbers over `defaults`.
 * Undefined when the id names another model. Unknown keys and values outside 0..1 (seed:
 * any non-negative safe integer) are input errors naming the setting.
 */
export function parseSimIdSettings<T extends object>(
  name: string,
  modelId: string,
  defaults: T,
): T | undefined {
  const [head, query] = modelId.split("?", 2) as [string, string | undefined];
  if (head !== name) return undefined;
  const options: Record<string, number> = { ...(defaults as Record<string, number>) };
  for (const [key, raw] of new URLSearchParams(query ?? "")) {
    if (!(key in options)) {
      throw new InputError(
        `unknown sim:${name} setting "${key}"; settings: ${Object.keys(options).join(", ")}`,
      );
    }
    const value = Number(raw);
    const max = key === "seed" ? Number.MAX_SAFE_INTEGER : 1;
    if (raw.trim() === "" || !Number.isFinite(value) || value < 0 || value > max) {
      throw new InputError(
        `sim:${name} setting ${key} must be a number in 0..${max}, got "${raw}"`,
      );
    }
    options[key] = value;
  }
  return options as T;
}
