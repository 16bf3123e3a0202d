export type { DriftCheck, DriftFinding, DriftKind, DriftOptions } from "./drift.js";
export { checkDrift } from "./drift.js";
export type { GuardResult } from "./guard.js";
export { guardPromotions } from "./guard.js";
export { histogram, numericPsi, psi, quantileEdges } from "./psi.js";
export type { WatchOptions } from "./run.js";
export { countActions, runWatch, WATCH_LEASE } from "./run.js";
export type { TickOptions, TickResult } from "./tick.js";
export { watchTick } from "./tick.js";
