export type { AttemptFailureInput } from "./attempt-failure.js";
export { attemptToFailure } from "./attempt-failure.js";
export { BUILTIN_DETECTORS, CODE_DETECTORS } from "./builtin.js";
export { userCorrectionDetector } from "./correction.js";
export type { DetectorOptions } from "./detectors.js";
export { buildDetectors, defaultMiningConfig } from "./detectors.js";
export { fingerprint, maskPersonalData, normalizeForFingerprint } from "./fingerprint.js";
export { JUDGE_DETECTOR, judgeDetector, miningJudgeFromConfig } from "./judge.js";
export type { MineOptions } from "./mine.js";
export { mineFailures, toFailure } from "./mine.js";
export { personalDataKinds, piiLeakDetector } from "./pii-leak.js";
export {
  baseScore,
  DEFAULT_SEVERITY_WEIGHTS,
  explainScore,
  failureScore,
  RANKING_FORMULA,
  recurrenceFactor,
} from "./ranking.js";
export { refusalDetector } from "./refusal.js";
export { evaluate, matchMessages, ruleDetector, testAttribute } from "./rules.js";
export { recordRunFailures } from "./run-failures.js";
export { parseSince } from "./since.js";
export {
  buildTraceView,
  parseMessages,
  resultLooksLikeError,
  TRACE_ATTRS,
  traceText,
} from "./trace-view.js";
export type {
  Detector,
  JudgeFn,
  MineCounts,
  Signal,
  TraceError,
  TraceMessage,
  TraceView,
} from "./types.js";
