import { createHash } from "node:crypto";
import { canonicalPromptJson } from "./canonical.js";
import { normalizeSettings, type PromptSettings } from "./settings.js";

/**
 * A version's identity: sha256 (hex) of the canonical JSON of `{content, settings}`, settings
 * `null` when there are none. The same text and settings always give the same hash.
 */
export function hashPromptVersion(content: string, settings?: PromptSettings): string {
  const canonical = canonicalPromptJson({ content, settings: normalizeSettings(settings) ?? null });
  return createHash("sha256").update(canonical).digest("hex");
}
