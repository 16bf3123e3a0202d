export type { ShadowGraders } from "./compare.js";
export { compareAnswers, shadowGraders } from "./compare.js";
export { replayOne, replayTools } from "./replay.js";
export { shadowListText, shadowText } from "./report.js";
export type { ShadowRequest } from "./run.js";
export { MAX_ERROR_SHARE, problemsOf, runShadow, summarize } from "./run.js";
export { recordedToolCalls, replayInput, selectTraces } from "./select.js";
export type {
  PairOutcome,
  ReplayInput,
  ShadowDoc,
  ShadowInputResult,
  ShadowSkip,
  ShadowSummary,
  ShadowVerdict,
  SkipReason,
  ToolSource,
} from "./types.js";
export { SKIP_REASONS } from "./types.js";
