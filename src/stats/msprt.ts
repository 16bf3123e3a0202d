import { StatsInputError } from "./errors.js";
import type { Interval } from "./types.js";
import { checkLevel } from "./validate.js";

/** What one arm of an A/B comparison contributes: its count, mean and sample variance. */
export interface ArmSummary {
  n: number;
  mean: number;
  /** Sample variance (n − 1 in the denominator). */
  variance: number;
}

export interface MixtureTestOptions {
  /** Level of the always-valid test and interval. Default 0.05. */
  alpha?: number;
  /**
   * Standard deviation τ of the normal mixing distribution over the true difference, in the
   * metric's units: the effect size the test is most sensitive to.
   */
  tau: number;
}

export interface MixtureTestResult {
  /** treatment mean − control mean. */
  difference: number;
  /** Variance of the difference estimate: s²_c / n_c + s²_t / n_t. */
  variance: number;
  /** The mixture likelihood ratio Λ against "no difference". */
  likelihoodRatio: number;
  /** min(1, 1/Λ) at this look; callers keep the running minimum over looks. */
  pValue: number;
  /** Always-valid interval for the difference at this look; intersect over looks. */
  interval: Interval;
  /** Λ ≥ 1/α: the difference is non-zero, at any look, with error at most α. */
  rejected: boolean;
}

/**
 * The two-sample mixture sequential probability ratio test (mSPRT) of Johari, Koomen, Pekelis
 * & Walsh ("Always valid inference", Operations Research 70(3), 2022), with a normal mixture
 * N(0, τ²) over the difference of means and the plug-in variance V of the difference:
 *
 *   Λ = √(V / (V + τ²)) · exp( τ² Δ̂² / (2 V (V + τ²)) )
 *
 * The test may be looked at after every request without inflating its error: under no
 * difference, P(Λ ever ≥ 1/α) ≤ α (asymptotically, as the arms grow). Inverting it gives the
 * always-valid interval Δ̂ ± √( V (V + τ²) / τ² · (log((V + τ²) / V) − 2 log α) ).
 */
export function mixtureSequentialTest(
  control: ArmSummary,
  treatment: ArmSummary,
  options: MixtureTestOptions,
): MixtureTestResult {
  const alpha = checkLevel("alpha", options.alpha, 0.05);
  const tau = options.tau;
  if (!(Number.isFinite(tau) && tau > 0)) {
    throw new StatsInputError(`mSPRT: tau must be a positive number, got ${tau}`);
  }
  for (const [name, arm] of [
    ["control", control],
    ["treatment", treatment],
  ] as const) {
    if (!(Number.isInteger(arm.n) && arm.n >= 2)) {
      throw new StatsInputError(
        `mSPRT: the ${name} arm needs at least 2 observations, got ${arm.n}`,
      );
    }
    if (!(Number.isFinite(arm.mean) && Number.isFinite(arm.variance) && arm.variance >= 0)) {
      throw new StatsInputError(`mSPRT: the ${name} arm's mean and variance must be finite`);
    }
  }
  const difference = treatment.mean - control.mean;
  const variance = control.variance / control.n + treatment.variance / treatment.n;
  if (variance === 0) {
    // Both arms constant: any difference is exact, none is nothing.
    const rejected = difference !== 0;
    return {
      difference,
      variance,
      likelihoodRatio: rejected ? Number.POSITIVE_INFINITY : 1,
      pValue: rejected ? 0 : 1,
      interval: { lower: difference, upper: difference, level: 1 - alpha },
      rejected,
    };
  }
  const tau2 = tau * tau;
  const logLambda =
    0.5 * Math.log(variance / (variance + tau2)) +
    (tau2 * difference * difference) / (2 * variance * (variance + tau2));
  const halfWidth = Math.sqrt(
    ((variance * (variance + tau2)) / tau2) *
      (Math.log((variance + tau2) / variance) - 2 * Math.log(alpha)),
  );
  const likelihoodRatio = Math.exp(logLambda);
  return {
    difference,
    variance,
    likelihoodRatio,
    pValue: Math.min(1, Math.exp(-logLambda)),
    interval: { lower: difference - halfWidth, upper: difference + halfWidth, level: 1 - alpha },
    rejected: logLambda >= -Math.log(alpha),
  };
}

/** An arm's summary from its count, sum and sum of squares (as SQL aggregates give them). */
export function armFromMoments(n: number, sum: number, sumSquares: number): ArmSummary {
  if (n === 0) return { n, mean: 0, variance: 0 };
  const mean = sum / n;
  // Σx² − n·mean² loses digits when the mean is large next to the spread; clamp the
  // rounding error at zero rather than report a negative variance.
  const variance = n > 1 ? Math.max(0, (sumSquares - n * mean * mean) / (n - 1)) : 0;
  return { n, mean, variance };
}
