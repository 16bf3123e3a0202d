export type { CustomGraderFunction, CustomGraderReturn } from "./builtin/custom.js";
export type { GoalJudge } from "./builtin/goal.js";
export { finalState } from "./builtin/goal.js";
export { diffLeaves } from "./builtin/json-diff.js";
export { listItems } from "./builtin/list.js";
export { parseNumbers } from "./builtin/numeric.js";
export { createNoPiiGrader, PII_KIND_ALIASES } from "./builtin/safety.js";
export { lastStopReason, normalizeStopReason } from "./builtin/trajectory.js";
export type { CompileOptions } from "./compile.js";
export {
  AssertionMemo,
  COMMON_PARAMS,
  compileAssertion,
  compileAssertions,
  parseOrigin,
} from "./compile.js";
export { compileCase, implicitAssertions } from "./implicit.js";
export { parseJsonOutput } from "./json-tools.js";
export * from "./judge/index.js";
export type { GraderRegistryOptions } from "./registry.js";
export { BUILTIN_GRADERS, createGraderRegistry, defaultGraderRegistry } from "./registry.js";
export type {
  RunTargetCheck,
  RunTargetConfig,
  RunTargetReport,
  RunTargetTotals,
} from "./run-targets.js";
export { checkRunTargets } from "./run-targets.js";
export type { PiiDetector, PiiFinding } from "./safety/pii.js";
export { DEFAULT_PII_DETECTORS, findPii, ibanValid, luhnValid } from "./safety/pii.js";
export { findRefusal, REFUSAL_PATTERNS } from "./safety/refusal.js";
export { aggregate, gradeAssertion, scoreAttempt, validateWeights } from "./score.js";
export type { AttemptSummary, RunVerdict, SeverityCounts } from "./severity.js";
export { runVerdict, VerdictAccumulator } from "./severity.js";
export { lcsLength, levenshtein, levenshteinSimilarity, rougeL, tokens } from "./strings.js";
export type { RunStats, RunTargetName, RunTargets, TargetCheck } from "./targets.js";
export { evaluateRunTargets, runTargetsSchema } from "./targets.js";
export type {
  AttemptScore,
  CompiledAssertion,
  GradeInput,
  GradeResult,
  GraderDefinition,
  GraderRegistry,
  ScoreOptions,
} from "./types.js";
