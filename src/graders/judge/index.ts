export type {
  CalibrationResult,
  DriftReport,
  KappaSummary,
  ThresholdChoice,
  VerdictCalibrationOptions,
} from "./calibrate.js";
export {
  calibrateFromVerdicts,
  calibrateJudge,
  calibrationRecord,
  detectDrift,
  tuneThreshold,
} from "./calibrate.js";
export type { OrderAgreement, PositionReport } from "./calibrate-agreement.js";
export { positionReport, UNPARSED } from "./calibrate-agreement.js";
export type { CalibrateOutcome, CalibrateRequest } from "./calibrate-run.js";
export { resolveJudgeSpec, runJudgeCalibration, verdictJudge } from "./calibrate-run.js";
export type { JudgedRow, VerdictRow } from "./calibrate-verdicts.js";
export { joinVerdicts, parseVerdicts, readVerdicts } from "./calibrate-verdicts.js";
export { callJudge } from "./call.js";
export type { CaseComparison, ComparisonResult, PairSummary } from "./compare.js";
export { compareVariants } from "./compare.js";
export { JUDGE_GRADERS, judgeCostOf, judgeFailure } from "./graders.js";
export {
  closedQaRubric,
  DEFAULT_RUBRIC,
  FACTUALITY_RUBRIC,
  JUDGE_TYPES,
  judgeIdentity,
  judgeSpecVersion,
  PAIRWISE_RUBRIC,
} from "./identity.js";
export type { LabelSet, PairwiseRow, PointwiseRow } from "./labels.js";
export { labelSetHash, parseLabels, readLabels } from "./labels.js";
export {
  boundaryToken,
  escapeData,
  JUDGE_SYSTEM_PROMPT,
  pairwisePrompt,
  pointwisePrompt,
} from "./prompt.js";
export type { JudgeRuntimeConfig, JudgeRuntimeOptions } from "./runtime.js";
export { createJudgeRuntime, defaultJudgeRuntime, judgeRuntimeFromConfig } from "./runtime.js";
export type { JudgeCall, JudgeRuntime, PairwiseVerdict, PointwiseVerdict } from "./types.js";
export { JudgeError } from "./types.js";
export type { PairwiseResult, PointwiseResult } from "./verdicts.js";
export { judgePairwise, judgePointwise } from "./verdicts.js";
export type { JudgeIdentity } from "./version.js";
export { JUDGE_PROTOCOL, judgeVersion } from "./version.js";
export type { JudgeWarningConfig } from "./warnings.js";
export { DEFAULT_KAPPA_FLOOR, judgeWarnings } from "./warnings.js";
