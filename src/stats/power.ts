import { mean, variance } from "./descriptive.js";
import { dnorm, pchisq, pnorm, qt } from "./dist.js";
import { StatsInputError } from "./errors.js";
import type { Alternative } from "./types.js";
import { checkAlternative, checkLevel, finiteSample } from "./validate.js";

/**
 * P(T > t) for a noncentral t with df degrees of freedom and noncentrality ncp, t >= 0.
 * T = (Z + ncp) / sqrt(V / df), so conditioning on w = Z + ncp > 0:
 *   P(T > t) = integral_0^inf dnorm(w - ncp) * pchisq(df w^2 / t^2, df) dw.
 * The integrand is smooth; composite Simpson over ncp ± 10 (the normal factor is < 1e-22
 * beyond) with 2000 panels gives ~1e-10 absolute accuracy. Only the normal density (a closed
 * form) and @stdlib's chi-square CDF are used.
 */
export function noncentralTUpper(t: number, df: number, ncp: number): number {
  if (!(t >= 0)) throw new StatsInputError("noncentralTUpper needs t >= 0");
  if (t === 0) return pnorm(ncp);
  const a = Math.max(0, ncp - 10);
  const b = Math.max(a, ncp + 10);
  if (b === a) return 0;
  const panels = 2000;
  const h = (b - a) / panels;
  const f = (w: number) => (w <= 0 ? 0 : dnorm(w - ncp) * pchisq((df * w * w) / (t * t), df));
  let s = f(a) + f(b);
  for (let i = 1; i < panels; i++) s += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return Math.min(1, Math.max(0, (s * h) / 3));
}

/** Power of a t-test with given df and noncentrality, counting both rejection regions. */
export function tTestPower(
  df: number,
  ncp: number,
  alpha: number,
  alternative: Alternative,
): number {
  if (alternative === "two-sided") {
    const c = qt(1 - alpha / 2, df);
    return Math.min(1, noncentralTUpper(c, df, ncp) + noncentralTUpper(c, df, -ncp));
  }
  const c = qt(1 - alpha, df);
  return noncentralTUpper(c, df, alternative === "greater" ? ncp : -ncp);
}

export interface PairedPowerOptions {
  /**
   * Standardised effect d_z = mean difference / sd of per-case differences. Give this, or
   * `delta` with `sdCase` (and optionally `sdEpoch`, `epochs`).
   */
  effectSize?: number;
  /** Mean per-case difference to detect (in score units). */
  delta?: number;
  /** SD of the true per-case difference between cases (case heterogeneity). */
  sdCase?: number;
  /** SD of one epoch's difference around its case's true value (run-to-run noise). */
  sdEpoch?: number;
  /** Epochs per case; a case's difference is averaged over them, so noise shrinks as 1/epochs. */
  epochs?: number;
  alpha?: number;
  alternative?: Alternative;
}

/** d_z after averaging epochs: delta / sqrt(sdCase^2 + sdEpoch^2 / epochs). */
export function effectiveEffectSize(o: PairedPowerOptions): number {
  if (o.effectSize !== undefined) {
    if (!(Number.isFinite(o.effectSize) && o.effectSize !== 0)) {
      throw new StatsInputError(
        `effectSize must be a finite non-zero number, got ${String(o.effectSize)}`,
      );
    }
    return o.effectSize;
  }
  const { delta, sdCase = 0, sdEpoch = 0, epochs = 1 } = o;
  if (!(typeof delta === "number" && Number.isFinite(delta) && delta !== 0)) {
    throw new StatsInputError("give effectSize, or a finite non-zero delta with sdCase/sdEpoch");
  }
  if (!(sdCase >= 0 && sdEpoch >= 0 && Number.isFinite(sdCase) && Number.isFinite(sdEpoch))) {
    throw new StatsInputError("sdCase and sdEpoch must be finite and >= 0");
  }
  if (!(Number.isInteger(epochs) && epochs >= 1))
    throw new StatsInputError(`epochs must be an integer >= 1, got ${String(epochs)}`);
  const sd = Math.sqrt(sdCase * sdCase + (sdEpoch * sdEpoch) / epochs);
  if (!(sd > 0))
    throw new StatsInputError("sdCase and sdEpoch cannot both be 0: power is then trivially 1");
  return delta / sd;
}

/**
 * Power of the paired t-test over n cases, from the noncentral t distribution (exact, not a
 * normal approximation): df = n - 1, ncp = d_z sqrt(n). Both rejection regions are counted
 * (R's power.t.test(strict = TRUE)).
 */
export function pairedPower(n: number, options: PairedPowerOptions): number {
  if (!(Number.isFinite(n) && n >= 2))
    throw new StatsInputError(`n must be >= 2 cases, got ${String(n)}`);
  const dz = effectiveEffectSize(options);
  const alpha = checkLevel("alpha", options.alpha, 0.05);
  const alt = checkAlternative(options.alternative);
  return tTestPower(n - 1, dz * Math.sqrt(n), alpha, alt);
}

/** Power of the two-sample (pooled) t-test with n per group and effect d = delta / sd. */
export function twoSamplePower(
  n: number,
  effectSize: number,
  options: { alpha?: number; alternative?: Alternative } = {},
): number {
  if (!(Number.isFinite(n) && n >= 2))
    throw new StatsInputError(`n must be >= 2 per group, got ${String(n)}`);
  if (!(Number.isFinite(effectSize) && effectSize !== 0))
    throw new StatsInputError("effectSize must be finite and non-zero");
  const alpha = checkLevel("alpha", options.alpha, 0.05);
  return tTestPower(
    2 * (n - 1),
    effectSize * Math.sqrt(n / 2),
    alpha,
    checkAlternative(options.alternative),
  );
}

export interface SampleSize {
  /** Fractional n solving power(n) = target (what R's power.t.test prints). */
  exact: number;
  /** Whole cases needed: ceil(exact). */
  n: number;
}

function solveN(power: (n: number) => number, target: number): SampleSize {
  let lo = 2;
  if (power(lo) >= target) return { exact: lo, n: lo };
  let hi = 4;
  while (power(hi) < target) {
    lo = hi;
    hi *= 2;
    if (hi > 1e9)
      throw new StatsInputError("the effect is too small to reach that power with any feasible n");
  }
  for (let i = 0; i < 200 && hi - lo > 1e-9 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (power(mid) < target) lo = mid;
    else hi = mid;
  }
  return { exact: hi, n: Math.ceil(hi - 1e-9) };
}

/** Whether some n up to solveN's ceiling reaches the power (power grows with n). */
function feasible(
  effectSize: number,
  options: { alpha?: number; power?: number; alternative?: Alternative },
): boolean {
  const target = checkLevel("power", options.power, 0.8);
  const pairedOptions = { effectSize, alpha: options.alpha, alternative: options.alternative };
  return pairedPower(2 ** 29, pairedOptions) >= target;
}

/** Cases needed for the paired t-test to reach `power` (default 0.8). */
export function pairedSampleSize(options: PairedPowerOptions & { power?: number }): SampleSize {
  const target = checkLevel("power", options.power, 0.8);
  effectiveEffectSize(options);
  return solveN((n) => pairedPower(n, options), target);
}

/** n per group for the two-sample t-test to reach `power`. */
export function twoSampleSize(
  effectSize: number,
  options: { alpha?: number; power?: number; alternative?: Alternative } = {},
): SampleSize {
  const target = checkLevel("power", options.power, 0.8);
  return solveN((n) => twoSamplePower(n, effectSize, options), target);
}

export interface MoreCasesEstimate {
  currentCases: number;
  neededCases: number;
  /** max(0, needed - current): "about N more cases would decide". */
  moreCases: number;
  /** The d_z the estimate was made for. */
  effectSize: number;
}

/**
 * For an inconclusive comparison: how many cases a paired t-test would need to detect
 * `delta` (default: the observed mean difference) given the observed SD of per-case
 * differences. This plans the next run; it is not a post-hoc power claim about this one.
 * Returns null when the data give no basis (observed SD 0, or no effect to aim at).
 */
export function moreCasesNeeded(
  differences: ArrayLike<number>,
  options: { delta?: number; alpha?: number; power?: number; alternative?: Alternative } = {},
): MoreCasesEstimate | null {
  const d = finiteSample("differences", differences, 2);
  const sd = Math.sqrt(variance(d));
  const delta = options.delta ?? mean(d);
  if (!(sd > 0) || delta === 0) return null;
  const effectSize = delta / sd;
  // An effect this small needs more than a billion cases: no run will detect it, so there is
  // no number worth printing (and a comparison must not fail for it).
  if (!feasible(effectSize, options)) return null;
  const size = pairedSampleSize({
    effectSize,
    alpha: options.alpha,
    power: options.power,
    alternative: options.alternative,
  });
  return {
    currentCases: d.length,
    neededCases: size.n,
    moreCases: Math.max(0, size.n - d.length),
    effectSize,
  };
}

export interface MoreEpochsEstimate {
  currentEpochs: number;
  /** Epochs per case at which the paired t-test over `cases` reaches the target power. */
  neededEpochs: number;
  /** max(0, needed - current). */
  moreEpochs: number;
  /** Power with the current epochs, for the report. */
  currentPower: number;
}

/**
 * For an inconclusive paired comparison over a fixed set of cases: how many epochs per case
 * would let a paired t-test on the per-case mean differences detect `delta` with `power`,
 * given the between-case SD of the true differences (`sdCase`) and the SD of one epoch's
 * difference around its case's value (`sdEpoch`). Epochs shrink only the second part
 * (sdEpoch² / epochs), so when sdCase alone already keeps the power below target no number
 * of epochs helps and this returns null (more cases are then the way: `moreCasesNeeded`).
 * Also null for delta 0 (nothing to aim at).
 */
export function moreEpochsNeeded(options: {
  delta: number;
  sdCase: number;
  sdEpoch: number;
  cases: number;
  epochs: number;
  alpha?: number;
  power?: number;
  alternative?: Alternative;
  /** Search limit, default 1,000 epochs. */
  maxEpochs?: number;
}): MoreEpochsEstimate | null {
  const { delta, sdCase, sdEpoch, cases, epochs } = options;
  if (!(Number.isInteger(cases) && cases >= 2))
    throw new StatsInputError(`cases must be an integer >= 2, got ${String(cases)}`);
  if (!(Number.isInteger(epochs) && epochs >= 1))
    throw new StatsInputError(`epochs must be an integer >= 1, got ${String(epochs)}`);
  if (!(Number.isFinite(delta) && Number.isFinite(sdCase) && Number.isFinite(sdEpoch)))
    throw new StatsInputError("delta, sdCase and sdEpoch must be finite");
  const target = checkLevel("power", options.power, 0.8);
  const maxEpochs = options.maxEpochs ?? 1000;
  if (delta === 0 || !(sdCase >= 0 && sdEpoch >= 0) || sdCase + sdEpoch === 0) return null;
  const at = (e: number) =>
    pairedPower(cases, {
      delta,
      sdCase,
      sdEpoch,
      epochs: e,
      alpha: options.alpha,
      alternative: options.alternative,
    });
  const currentPower = at(epochs);
  if (currentPower >= target)
    return { currentEpochs: epochs, neededEpochs: epochs, moreEpochs: 0, currentPower };
  if (at(maxEpochs) < target) return null;
  // Power rises with epochs: the smallest sufficient count by bisection on integers.
  let lo = epochs;
  let hi = maxEpochs;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (at(mid) >= target) hi = mid;
    else lo = mid;
  }
  return { currentEpochs: epochs, neededEpochs: hi, moreEpochs: hi - epochs, currentPower };
}
