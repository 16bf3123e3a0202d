/**
 * The improvement loop: `improve` cycles (`cycle/`), presets, the track recommender and harness
 * proposals (`harness/`), the training-data exporters (`export/`), which decide for each failure cluster whether the prompt, the code
 * around the model, retrieval or fine-tuning is where its fix belongs.
 */

export * from "./cycle/index.js";
export * from "./export/index.js";
export type {
  Cause,
  Habit,
  HarnessKind,
  MemberReading,
  PromptHistory,
  Track,
  TrackRecommendation,
} from "./harness/index.js";
export {
  HABITS,
  HARNESS_KINDS,
  harnessTicket,
  readMember,
  recommendTrack,
  THRESHOLDS,
  TRACKS,
} from "./harness/index.js";
export type { Preset } from "./presets.js";
export { BUILTIN_PRESETS, PRESET_NAMES, resolvePreset } from "./presets.js";
