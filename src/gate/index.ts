/**
 * The promotion gate: champion and challenger on the same cases, epochs and seeds; a verdict
 * (promote, block, inconclusive) from paired statistics and the regression rules; decisions
 * stored with their evidence; reports for terminals, pull requests and CI.
 */
export type { ChangePlan } from "./change-types.js";
export { changePlan } from "./change-types.js";
export type { CaseInfo } from "./inputs.js";
export { selectGateCases } from "./inputs.js";
export type { SideAttempts } from "./observe.js";
export { pairKey } from "./observe.js";
export { createGateRegistry } from "./prompts-registry.js";
export type { GateRegistry, GateVersion } from "./registry.js";
export { gateJunit, gateMarkdown, gateText } from "./report/index.js";
export type { GateEvidence, GateOutcome, GateRequest } from "./run.js";
export { GateStopped, outcomeOf, runGate } from "./run.js";
export type { SideOutcome, SideRequest, SideSpec } from "./side.js";
export { runSide } from "./side.js";
export * from "./types.js";
