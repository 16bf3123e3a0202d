import { qnorm } from "./dist.js";
import { StatsInputError } from "./errors.js";
import type { Interval } from "./types.js";
import { checkCount, checkFinite, checkLevel } from "./validate.js";

/**
 * Rogan & Gladen (1978): the true prevalence behind a rate measured by an imperfect
 * classifier with sensitivity Se and specificity Sp is (observed + Sp − 1) / (Se + Sp − 1),
 * clamped to [0, 1]. Undefined when Se + Sp − 1 ≤ 0 (the classifier is no better than chance).
 */
export function roganGladen(observed: number, sensitivity: number, specificity: number): number {
  const youden = youdenJ(sensitivity, specificity);
  if (!(youden > 0))
    throw new StatsInputError("Se + Sp − 1 must be > 0 to correct for misclassification");
  return Math.min(1, Math.max(0, (checkFinite("observed", observed) + specificity - 1) / youden));
}

/** Youden's J = Se + Sp − 1, after checking both are probabilities. */
export function youdenJ(sensitivity: number, specificity: number): number {
  if (!(sensitivity >= 0 && sensitivity <= 1 && specificity >= 0 && specificity <= 1))
    throw new StatsInputError(
      `sensitivity and specificity must be in [0, 1], got ${sensitivity} and ${specificity}`,
    );
  return sensitivity + specificity - 1;
}

export interface CorrectedDifference {
  /** True-rate difference: observed difference / J. */
  estimate: number;
  /** The interval, widened for the uncertainty of Se and Sp. */
  ci: Interval;
  youden: number;
  /** sd of J from the Beta posteriors of Se and Sp (uniform priors). */
  youdenSd: number;
}

/**
 * The difference of two rates measured by the same imperfect classifier (misclassification
 * non-differential and shared by both arms): p1_obs − p2_obs = J (p1 − p2), so the true
 * difference is the observed one divided by J = Se + Sp − 1 (Rogan–Gladen on each arm; the
 * Sp − 1 terms cancel). A test of "difference = 0" is unchanged by the correction (the
 * observed difference is 0 exactly when the true one is), only the estimate and interval scale.
 *
 * The interval: each half-width of the observed interval is divided by J, then combined in
 * quadrature with the delta-method term for the uncertainty of J,
 *   z · |Δ| · sd(J) / J,   Var(J) = Var(Se) + Var(Sp),
 * with Se ~ Beta(Se·positives + 1, (1 − Se)·positives + 1) and Sp likewise from `negatives`
 * (the posterior under a uniform prior from the human labels that measured them).
 */
export function correctedDifference(
  observed: { estimate: number; ci: Interval },
  judge: { sensitivity: number; specificity: number; positives: number; negatives: number },
): CorrectedDifference {
  const youden = youdenJ(judge.sensitivity, judge.specificity);
  if (!(youden > 0))
    throw new StatsInputError("Se + Sp − 1 must be > 0 to correct for misclassification");
  checkCount("positives", judge.positives, 1);
  checkCount("negatives", judge.negatives, 1);
  const level = checkLevel("ci.level", observed.ci.level, 0.95);
  const z = qnorm(1 - (1 - level) / 2);
  const youdenSd = Math.sqrt(
    betaPosteriorVariance(judge.sensitivity, judge.positives) +
      betaPosteriorVariance(judge.specificity, judge.negatives),
  );
  const estimate = observed.estimate / youden;
  const lowerHalf = (observed.estimate - observed.ci.lower) / youden;
  const upperHalf = (observed.ci.upper - observed.estimate) / youden;
  const extra = (z * Math.abs(estimate) * youdenSd) / youden;
  return {
    estimate,
    ci: {
      lower: estimate - Math.hypot(lowerHalf, extra),
      upper: estimate + Math.hypot(upperHalf, extra),
      level,
    },
    youden,
    youdenSd,
  };
}

/** Variance of Beta(rate·n + 1, (1 − rate)·n + 1). */
function betaPosteriorVariance(rate: number, n: number): number {
  const a = rate * n + 1;
  const b = (1 - rate) * n + 1;
  return (a * b) / ((a + b) ** 2 * (a + b + 1));
}
