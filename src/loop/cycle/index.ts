export { cycleLine, cycleText } from "./report.js";
export type { CycleRequest } from "./run.js";
export { runCycle } from "./run.js";
export * from "./types.js";
