/**
 * JSON with object keys sorted and undefined dropped. Kept here rather than shared: a version's
 * hash is its identity in stores and exported files, so its definition must never drift.
 */
export function canonicalPromptJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}
