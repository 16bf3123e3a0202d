// Failure attribution: which agent and which step of a failed multi-agent run caused it.
export {
  attributeHeuristic,
  type HeuristicOptions,
  POSITION_WEIGHT,
  type ScoredStep,
  scoreSteps,
} from "./heuristic.js";
export { attributeWithJudge, type JudgeAttributionOptions, type JudgeStrategy } from "./judge.js";
export { type LoadedTrajectory, loadTrajectory } from "./load.js";
export {
  type BlameAnswer,
  firstJsonObject,
  matchAgent,
  parseBlame,
  parseHalf,
  parseYesNo,
} from "./parse.js";
export { collectSignals, SIGNAL_WEIGHTS, type Signal, type SignalKind } from "./signals.js";
export { agentResolver, normalizeAgent, STEP_ATTRS, stepsFromSpans } from "./steps.js";
export type { Attribution, Step, StepToolCall, Strategy, Trajectory } from "./types.js";
export { STRATEGIES } from "./types.js";
export { trajectoryFromWhoWhen } from "./whowhen.js";
