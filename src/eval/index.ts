export { loadProjectConfig, runEvaluation } from "./session.js";
export { computeTotals, TotalsAccumulator } from "./totals.js";
export type { EvalRequest, EvalResult } from "./types.js";
