import type { LiveConfig } from "../../config/index.js";

/** `ok`: within its threshold; `investigate`: breached; `no-data`: nothing to measure yet. */
export type MetricStatus = "ok" | "investigate" | "no-data";

export type MetricKey =
  | "incident_to_eval"
  | "catch_rate"
  | "recurrence"
  | "flaky_rate"
  | "trace_coverage"
  | "override_rate"
  | "rollbacks";

/**
 * Where the healthy side lies: `min` breaches under the value, `max` above it, `below` at
 * or above it (a count that must stay under its limit).
 */
export interface Threshold {
  kind: "min" | "max" | "below";
  value: number;
  /** `rate` (0..1, shown as a percentage) or `count`. */
  unit: "rate" | "count";
}

/** Something a person can act on: a cluster that recurred, a prompt rolled back twice. */
export interface Offender {
  /** Failure, cluster, decision, prompt or trace id. */
  id: string;
  detail: string;
}

export interface MetricResult {
  key: MetricKey;
  name: string;
  /** Undefined when there is nothing to measure (`reason` says why). */
  value?: number;
  numerator: number;
  denominator: number;
  threshold: Threshold;
  status: MetricStatus;
  /** The definition, in one line. */
  how: string;
  /** Why there is no value, for `no-data`. */
  reason?: string;
  /** What to do about a breach (seed 004's thresholds table). */
  action: string;
  /** What to look at; on a breach, the items behind it. */
  items: Offender[];
}

export interface MetricsReport {
  /** The window as given, e.g. `30d`. */
  window: string;
  since: string;
  now: string;
  metrics: MetricResult[];
  /** Keys of the metrics that need attention. */
  breaches: MetricKey[];
}

export type MetricsSettings = LiveConfig["metrics"];

/** What every metric sees: the window and the settings. */
export interface MetricContext {
  settings: MetricsSettings;
  now: Date;
  sinceIso: string;
  sinceMs: number;
}
