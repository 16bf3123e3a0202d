import type { RatchetConfig } from "../config/index.js";
import type { ChangeType } from "./types.js";

/** What a change of one type must pass: which cases, which dimensions, which extra evidence. */
export interface ChangePlan {
  changeType: ChangeType;
  /** Suite globs (relative to the config) the cases must come from; undefined: all suites. */
  suites?: string[];
  tags?: string[];
  /** Dimensions gated besides `overall`. */
  dimensions: string[];
  /** Evidence this change type needs beyond the offline gate. */
  requires: Array<"shadow">;
  /** Where the subset came from, for the report. */
  source: "config" | "default";
}

/**
 * Defaults: every change runs the whole suite. A prompt or retrieval change is gated on what
 * it can move (accuracy, safety, tool use); a tool change on tool use first; a model change on
 * everything, latency and cost included, and it also needs a shadow run on production inputs.
 */
const DEFAULT_DIMENSIONS: Record<ChangeType, string[]> = {
  prompt: ["accuracy", "safety", "tool_use"],
  tool: ["tool_use", "accuracy", "safety"],
  model: ["accuracy", "safety", "tool_use", "latency", "cost"],
  retrieval: ["accuracy", "safety"],
};

export function changePlan(config: RatchetConfig, changeType: ChangeType): ChangePlan {
  const subset = config.promotion.change_types[changeType];
  return {
    changeType,
    ...(subset?.suites ? { suites: subset.suites } : {}),
    ...(subset?.tags ? { tags: subset.tags } : {}),
    dimensions: subset?.dimensions ?? DEFAULT_DIMENSIONS[changeType],
    requires: changeType === "model" ? ["shadow"] : [],
    source: subset ? "config" : "default",
  };
}
