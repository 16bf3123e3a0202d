/**
 * The promotion gate's decision logic: pure functions of paired observations and settings.
 * Rules: README.md in this folder.
 */
export { OVERALL } from "./cases.js";
export { DEFAULT_GATE_TEST } from "./default-test.js";
export type { GateExtras } from "./gate.js";
export { decideGate } from "./gate.js";
export { MIN_YOUDEN } from "./judge.js";
export {
  FLAKY_FLIP_RATE,
  FLAKY_PASS_RATE,
  historyIsFlaky,
  STEADY_HISTORY_ATTEMPTS,
} from "./regressions.js";
export { casesToRerun } from "./rerun.js";
export type { SequentialOptions, SequentialVerdict } from "./sequential.js";
export { decideSequential, SEQUENTIAL_CONFIRM_EPOCHS } from "./sequential.js";
export { checkSettings } from "./settings.js";
