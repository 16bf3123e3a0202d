import { createHash } from "node:crypto";

/**
 * Ids derived from the source record, so that importing the same file twice stores nothing
 * new (duplicates are ignored by (trace_id, span_id)).
 */
export function derivedTraceId(...parts: Array<string | number>): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32);
}

export function derivedSpanId(traceId: string, key: string): string {
  return createHash("sha256").update(`${traceId}\u0000${key}`).digest("hex").slice(0, 16);
}
