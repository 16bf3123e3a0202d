export type { RunFlags } from "./cases.js";
export { selectCases } from "./cases.js";
export { loadProjectConfig, runEvaluation } from "./session.js";
export { TotalsAccumulator } from "./totals.js";
export type { EvalRequest, EvalResult } from "./types.js";
export { promptAgentOptions } from "./variants.js";
