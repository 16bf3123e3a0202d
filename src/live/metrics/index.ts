/**
 * `ratchet metrics`: the improvement loop's own health (seed 004, "Metrics" and "Dashboard
 * Thresholds"), each metric computed from what the store records, with its threshold, what
 * to do about a breach and the items behind it.
 */
export { addBusinessDays } from "./business-days.js";
export type { MetricsOptions } from "./compute.js";
export { computeMetrics } from "./compute.js";
export { metricsText, thresholdText } from "./report.js";
export type {
  MetricKey,
  MetricResult,
  MetricStatus,
  MetricsReport,
  MetricsSettings,
  Offender,
  Threshold,
} from "./types.js";
