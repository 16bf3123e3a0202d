/**
 * The improvement loop. So far: the track recommender and harness proposals (`harness/`),
 * which decide for each failure cluster whether the prompt, the code around the model,
 * retrieval or fine-tuning is where its fix belongs.
 */

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
