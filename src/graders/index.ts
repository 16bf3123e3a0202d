export { createNoPiiGrader } from "./builtin/safety.js";
export type { CompileOptions } from "./compile.js";
export { COMMON_PARAMS, compileAssertion, compileAssertions, parseOrigin } from "./compile.js";
export { compileCase, implicitAssertions } from "./implicit.js";
export { parseJsonOutput } from "./json-tools.js";
export { BUILTIN_GRADERS, createGraderRegistry, defaultGraderRegistry } from "./registry.js";
export type { PiiDetector, PiiFinding } from "./safety/pii.js";
export { DEFAULT_PII_DETECTORS, findPii, luhnValid } from "./safety/pii.js";
export { findRefusal, REFUSAL_PATTERNS } from "./safety/refusal.js";
export { aggregate, gradeAssertion, scoreAttempt, validateWeights } from "./score.js";
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
