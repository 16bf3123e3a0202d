import type { ArmSummary } from "../../stats/index.js";

/** Which way is better for a live metric. */
export type Better = "higher" | "lower";

/** A live metric as a canary reads it. */
export interface LiveMetric {
  /** As the user wrote it: `error_rate`, `latency_ms`, `judge:helpfulness`… */
  name: string;
  /** The store's name for it (`LIVE_METRIC_SQL` keys, or `score:<name>` for live scores). */
  storeMetric: string;
  better: Better;
  /** 0/1 per request: its variance is smoothed (no zero variance from a handful of requests). */
  binary: boolean;
  /** A judge scores a sample of requests (`judge:<rubric>`). */
  judge?: string;
}

export type MetricRole = "primary" | "guardrail";

/** The running state of one metric's always-valid test, carried from look to look. */
export interface MetricTestState {
  /** Smallest always-valid p-value so far. */
  p_min: number;
  /** Intersection of the intervals so far (candidate − control). */
  lower: number;
  upper: number;
  looks: number;
}

export type MetricVerdict = "worse" | "better" | "undecided" | "too_few";

export interface MetricLook {
  metric: string;
  role: MetricRole;
  better: Better;
  control: ArmSummary;
  candidate: ArmSummary;
  /** candidate − control at this look. */
  difference: number;
  /** The running (intersected) always-valid interval and p-value. */
  lower: number;
  upper: number;
  p_value: number;
  /** The level each metric is tested at (α split over the metrics). */
  alpha: number;
  verdict: MetricVerdict;
}

export type CanaryAction = "continue" | "rollback" | "promote" | "inconclusive";

export interface CanaryDecision {
  action: CanaryAction;
  reasons: string[];
}

/** What a canary stores beside its row: its settings and the tests' running state. */
export interface CanaryDoc {
  metric: string;
  guardrails: string[];
  alpha: number;
  effect_size: number;
  min_samples: number;
  max_samples: number;
  auto_promote: boolean;
  /** Started without a gate decision that promoted the candidate. */
  forced: boolean;
  /** The gate decision that let the candidate out, when there is one. */
  gate_decision?: string;
  actor: string;
  states: Record<string, MetricTestState>;
  last_look?: { at: string; looks: MetricLook[]; decision: CanaryDecision };
  /** Why it ended, with the evidence (the last look). */
  outcome?: { action: CanaryAction | "stopped"; reasons: string[]; by: string };
}
