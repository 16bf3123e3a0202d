/**
 * The gate's records. The decision logic (`decide/`) is pure: it sees paired observations and
 * settings, never the store or a model, so that simulations (bench/gate) and the CLI share it.
 */

export type ChangeType = "prompt" | "tool" | "model" | "retrieval";
export const CHANGE_TYPES: readonly ChangeType[] = ["prompt", "tool", "model", "retrieval"];

/** `welch_t_test` is the seed's name; the others use the pairing the gate's design gives. */
export const GATE_TESTS = [
  "welch_t_test",
  "paired_t_test",
  "paired_bootstrap",
  "wilcoxon",
  "mcnemar",
] as const;
export type GateTest = (typeof GATE_TESTS)[number];

export type CaseSeverity = "blocking" | "warning" | "exploratory";

export type GateVerdictKind = "promote" | "block" | "inconclusive";

/** What one side (champion or challenger) did on one case × epoch. */
export interface SideObservation {
  passed: boolean;
  /** Weighted overall score 0..1. */
  overall: number;
  /** Dimension name → score 0..1, higher is better; absent when no grader scored it. */
  dimensions: Record<string, number>;
  latencyMs: number;
  costUsd: number;
  /** The attempt ended in an error (timeout, provider error…) rather than an answer. */
  errored: boolean;
}

/** One case × epoch, run by both sides with the same seed. */
export interface PairedObservation {
  caseId: string;
  epoch: number;
  severity: CaseSeverity;
  champion: SideObservation;
  challenger: SideObservation;
}

/** A case's record outside this gate (earlier runs of the champion), for telling flaky from broken. */
export interface CaseHistory {
  caseId: string;
  /** Attempts seen across earlier runs. */
  attempts: number;
  /** Share of those attempts that passed. */
  passRate: number;
  /** Share of consecutive epoch pairs (same run) whose pass/fail differed. */
  flipRate: number;
}

/** A judge's known error rates, from `ratchet judge calibrate` (pass = positive class). */
export interface JudgeNoise {
  dimension: string;
  judge: string;
  /** P(judge says pass | human says pass). */
  sensitivity: number;
  /** P(judge says fail | human says fail). */
  specificity: number;
  /** Human labels behind the two rates (their uncertainty widens the interval). */
  positives: number;
  negatives: number;
}

export interface GateSettings {
  /** The challenger's mean overall score must reach this (seed: 0.88). */
  minimumScore: number;
  test: GateTest;
  /** Family-wise level across dimensions (Holm). */
  alpha: number;
  /** A dimension may drop by at most this much (absolute, 0..1) without blocking. */
  regressionTolerance: number;
  /** Dimensions gated besides `overall` (the primary); higher is better for all of them. */
  dimensions: string[];
  /** Seed for resampling. */
  seed: number;
  /** Bootstrap resamples. */
  resamples: number;
  /**
   * When the champion's own mean is under `minimumScore`, a challenger that is better beyond
   * noise (and passes every other rule) may replace it although it is under the bar too.
   */
  ratchetBelowMinimum?: boolean;
}

export interface DimensionResult {
  dimension: string;
  /** Cases (the unit of analysis: epochs are averaged within a case first). */
  n: number;
  champion: number;
  challenger: number;
  /** challenger − champion. */
  delta: number;
  ci: { lower: number; upper: number; level: number };
  test: GateTest;
  pValue: number;
  /** Holm-adjusted across the gated dimensions. */
  pAdjusted: number;
  outcome: "better" | "worse" | "no_difference";
  /** Set when the dimension is scored by a calibrated judge and the estimate was corrected. */
  judgeCorrection?: {
    judge: string;
    sensitivity: number;
    specificity: number;
    observedDelta: number;
    note: string;
  };
}

export interface CaseRegression {
  caseId: string;
  severity: CaseSeverity;
  /** Pass rate across this gate's epochs. */
  championPassRate: number;
  challengerPassRate: number;
  epochs: number;
  /** Outcome unstable (within this gate's epochs or by history): not a confirmed regression. */
  flaky: boolean;
}

export interface GateVerdict {
  verdict: GateVerdictKind;
  /** Human-readable, most important first. */
  reasons: string[];
  /** `overall` first, then the gated dimensions. */
  dimensions: DimensionResult[];
  /** Cases that passed for the champion and fail for the challenger (all severities). */
  regressions: CaseRegression[];
  /** Cases that failed for the champion and pass for the challenger. */
  fixes: string[];
  /** For an inconclusive verdict: what more evidence would likely decide it. */
  needed?: { epochs?: number; cases?: number; why: string };
}
