/**
 * The cluster-targeted prompt optimizer: proposers (rule from evidence, reflective, merge),
 * guards (prompt token budget, copy check, budgets), staged validation (target → training →
 * validation; the sealed split is the gate's), a Pareto frontier over cases, and stored records.
 */
export type { Theme } from "./advice.js";
export { adviseFromEvidence } from "./advice.js";
export type { BudgetPlan } from "./budget.js";
export { BudgetExhausted, BudgetTracker, planBudget } from "./budget.js";
export type { Champion } from "./champion.js";
export { resolveChampion } from "./champion.js";
export type { CaseOutcome, Evaluation, EvaluatorContext } from "./evaluate.js";
export { evaluateVersion, evidenceOf, failureEvidence } from "./evaluate.js";
export { copiedFrom, promptTokens } from "./guards.js";
export {
  applyPatch,
  findInstruction,
  hasInstruction,
  normalizeInstruction,
} from "./instructions.js";
export { paretoFrontier, pickParent } from "./pareto.js";
export { parsePatch } from "./patch.js";
export type { Proposal, ProposeInput, Proposer } from "./proposers.js";
export { mergePatches, reflectiveProposer, ruleProposer } from "./proposers.js";
export { reflectionPrompt } from "./reflect-prompt.js";
export { optimizationText, proposalsDetail } from "./report/text.js";
export type { OptimizeRequest, OptimizeResult } from "./run.js";
export { optimizeWithStore, runOptimization } from "./run.js";
export { splitCases } from "./splits.js";
export { compareStage, stageRejection } from "./stages.js";
export { clusterCases, worstFirst } from "./targets.js";
export * from "./types.js";
