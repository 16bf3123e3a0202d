export { cycleLine, cycleText } from "./report.js";
export type { CycleRequest } from "./run.js";
export { runCycle, worthAnotherCycle } from "./run.js";
export * from "./types.js";
