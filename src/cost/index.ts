export type { CostDimension } from "../store/index.js";
export { COST_DIMENSIONS } from "../store/index.js";
export type { FreshRollups, FreshRollupsOptions } from "./fresh.js";
export { keepRollupsFresh } from "./fresh.js";
export type { CostOptions, CostReport, CostRow } from "./rollup.js";
export { costReport, rollUpReport } from "./rollup.js";
