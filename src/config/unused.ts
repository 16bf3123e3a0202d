import type { Locator } from "./issues.js";
import type { PathSegment } from "./yaml-locations.js";
import { formatPath } from "./yaml-locations.js";

/** A key the config accepts but this version does nothing with, located in its file. */
export interface ConfigNotice {
  file: string;
  line?: number;
  key: string;
  message: string;
}

/**
 * Seed-template keys that later versions build: shadow runs and automatic rollback (the live
 * side). The gate, the registry's retention, clustering and patching (the optimizer) are in use.
 */
const NOT_YET_USED: ReadonlyArray<readonly string[]> = [
  ["promotion", "gatekeeper", "shadow_sample_size"],
  ["rollback", "enabled"],
];
/** Judges take their default model from `evaluation.judge_model` or the accuracy dimension. */
const DIMENSIONS_WITH_JUDGES = new Set(["accuracy"]);

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** A section at the top level or nested under `pipeline:` (the seed's shape). */
function section(raw: unknown, name: string): { value: unknown; path: PathSegment[] } | undefined {
  if (!isRecord(raw)) return undefined;
  if (name in raw) return { value: raw[name], path: [name] };
  if (isRecord(raw.pipeline) && name in raw.pipeline) {
    return { value: raw.pipeline[name], path: ["pipeline", name] };
  }
  return undefined;
}

function nested(
  found: { value: unknown; path: PathSegment[] } | undefined,
  keys: readonly string[],
): { value: unknown; path: PathSegment[] } | undefined {
  let at = found;
  for (const key of keys) {
    if (!at || !isRecord(at.value) || !(key in at.value)) return undefined;
    at = { value: at.value[key], path: [...at.path, key] };
  }
  return at;
}

/**
 * Keys accepted for the seed template that nothing reads yet. They stay valid (later versions
 * build these sections) but a user must not believe they took effect.
 */
export function unusedKeyNotices(raw: unknown, file: string, locate: Locator): ConfigNotice[] {
  const notices: ConfigNotice[] = [];
  const note = (path: PathSegment[], message: string) => {
    const line = locate(path)?.line;
    notices.push({ file, ...(line !== undefined ? { line } : {}), key: formatPath(path), message });
  };
  for (const [name = "", ...rest] of NOT_YET_USED) {
    const found = nested(section(raw, name), rest);
    if (found) note(found.path, "not used yet by this version; accepted for the seed template");
  }
  const evaluation = section(raw, "evaluation");
  const dimensions = isRecord(evaluation?.value) ? evaluation.value.dimensions : undefined;
  if (evaluation && Array.isArray(dimensions)) {
    dimensions.forEach((dimension, i) => {
      if (!isRecord(dimension) || dimension.judge_model === undefined) return;
      if (DIMENSIONS_WITH_JUDGES.has(String(dimension.name))) return;
      note(
        [...evaluation.path, "dimensions", i, "judge_model"],
        "not used yet by this version; accepted for the seed template (judges use `evaluation.judge_model`, the accuracy dimension's `judge_model`, or the assertion's `model`)",
      );
    });
  }
  return notices;
}

/** Whether the file names the agent's model (otherwise the offline `sim:support` runs). */
export function namesAModel(raw: unknown): boolean {
  const agent = section(raw, "agent");
  return isRecord(agent?.value) && agent.value.model !== undefined;
}

/** `file:line: key: message`, like an input error. */
export function formatNotice(notice: ConfigNotice): string {
  const where = [notice.file, notice.line].filter((part) => part !== undefined).join(":");
  return `${where}: ${notice.key}: ${notice.message}`;
}
