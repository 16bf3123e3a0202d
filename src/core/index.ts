export { closingIndex } from "./brackets.js";
export { caseHash } from "./case-hash.js";
export type { Clock } from "./clock.js";
export { systemClock } from "./clock.js";
export { DURATION_PATTERN, DURATION_UNIT_MS, durationMs, parseDuration } from "./duration.js";
export type { InputLocation } from "./errors.js";
export { EXIT, errorMessage, InputError, InternalError, isInputError } from "./errors.js";
export type { GenAiOperation } from "./genai.js";
export { GENAI, RATCHET } from "./genai.js";
export { newId } from "./ids.js";
export type { FileLine, ReadLinesOptions } from "./lines.js";
export { DEFAULT_MAX_LINE_CHARS, readLines } from "./lines.js";
export { markPhase } from "./phases.js";
export type { Rng } from "./rng.js";
export { createRng, hash32, rngFor } from "./rng.js";
export type { OpenSpan } from "./span-recorder.js";
export { newSpanId, newTraceId, SpanRecorder } from "./span-recorder.js";
export { closestMatch, didYouMean, editDistance } from "./suggest.js";
export * from "./types.js";
export type { CallOptions, UserCodeHost, UserCodeHostOptions, UserModule } from "./user-code.js";
export {
  createUserCodeHost,
  sharedUserCodeHost,
  UserCodeError,
  UserCodeThrew,
} from "./user-code.js";
