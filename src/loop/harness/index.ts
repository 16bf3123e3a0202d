/**
 * Harness proposals and the track recommender: for a cluster of failures, whether the fix is
 * a prompt patch, code (tools, limits, provider handling around the model), retrieval or
 * fine-tuning, with the reasons in numbers; and a Markdown ticket for fixes in the harness,
 * which Ratchet writes and never applies. Pure functions over records: the caller reads the
 * cluster's members from the store.
 */

export type { MemberReading } from "./read-member.js";
export { readMember } from "./read-member.js";
export { recommendTrack, THRESHOLDS } from "./recommend.js";
export { harnessTicket } from "./ticket.js";
export type {
  Cause,
  Habit,
  HarnessKind,
  PromptHistory,
  Track,
  TrackRecommendation,
} from "./types.js";
export { HABITS, HARNESS_KINDS, TRACKS } from "./types.js";
