import { SECTION_KEYS } from "./schema/root.js";
import type { PathSegment } from "./yaml-locations.js";

export interface Hoisted {
  value: unknown;
  /** Sections that were found under `pipeline:`, so errors point at their real place. */
  hoisted: Set<string>;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The seed nests every section under `pipeline:`; Ratchet keeps them top-level.
 * Moving them up makes both shapes one schema.
 */
export function hoistPipelineSections(
  raw: unknown,
  fail: (path: readonly PathSegment[], message: string) => never,
): Hoisted {
  const hoisted = new Set<string>();
  if (!isRecord(raw) || !isRecord(raw.pipeline)) return { value: raw, hoisted };
  const pipeline: Record<string, unknown> = { ...raw.pipeline };
  const top: Record<string, unknown> = { ...raw, pipeline };
  for (const key of SECTION_KEYS) {
    if (!(key in pipeline)) continue;
    if (key in raw) {
      fail(["pipeline", key], `\`${key}\` is given both at the top level and under \`pipeline\``);
    }
    top[key] = pipeline[key];
    delete pipeline[key];
    hoisted.add(key);
  }
  return { value: top, hoisted };
}

/** Maps a path in the hoisted value back to the document. */
export function documentPath(path: readonly PathSegment[], hoisted: Set<string>): PathSegment[] {
  const head = path[0];
  return typeof head === "string" && hoisted.has(head) ? ["pipeline", ...path] : [...path];
}
