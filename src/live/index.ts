/**
 * The live side of the loop: shadow runs on production inputs (`shadow/`), canaries with
 * stable key routing and an always-valid test (`canary/`), the long-running watch with
 * probation, drift and keyed actions (`watch/`), and the loop's own health (`metrics/`).
 * The CLI imports each part's own face, so that `ratchet canary` does not load the shadow's
 * agents and judges.
 */
export * from "./canary/index.js";
export * from "./metrics/index.js";
export * from "./shadow/index.js";
export type { RequestSpec } from "./traffic.js";
export { requestSpans, traceIdOf } from "./traffic.js";
export * from "./watch/index.js";
