// One place for what cost/ takes from modules below it.
export type { Run } from "../core/index.js";
export type { CostDimension, CostGroup, CostStore, Store } from "../store/index.js";
