import { essentiallyConstant, mean, variance } from "./descriptive.js";
import { pt, ptUpper, qt } from "./dist.js";
import { StatsInputError } from "./errors.js";
import type { Alternative, Interval, TTestResult } from "./types.js";
import { checkAlternative, checkFinite, checkLevel, finiteSample, samePairs } from "./validate.js";

export interface TTestOptions {
  alternative?: Alternative;
  /** Confidence level of the interval, default 0.95. */
  confLevel?: number;
  /** Hypothesised mean (one-sample), mean difference (paired) or difference (two-sample). */
  mu?: number;
}

/** p-value and interval for t = (estimate - mu) / stderr on df degrees of freedom, as R does. */
function finish(
  test: string,
  estimate: number,
  stderr: number,
  df: number,
  mu: number,
  alternative: Alternative,
  level: number,
): TTestResult {
  const statistic = (estimate - mu) / stderr;
  let pValue: number;
  let ci: Interval;
  if (alternative === "less") {
    pValue = pt(statistic, df);
    ci = { lower: -Infinity, upper: estimate + qt(level, df) * stderr, level };
  } else if (alternative === "greater") {
    pValue = ptUpper(statistic, df);
    ci = { lower: estimate - qt(level, df) * stderr, upper: Infinity, level };
  } else {
    pValue = Math.min(1, 2 * pt(-Math.abs(statistic), df));
    const q = qt(1 - (1 - level) / 2, df);
    ci = { lower: estimate - q * stderr, upper: estimate + q * stderr, level };
  }
  return { test, statistic, df, pValue, alternative, ci, estimate, stderr };
}

function constantError(what: string): StatsInputError {
  return new StatsInputError(
    `${what} are essentially constant (zero variance); the t statistic is undefined`,
  );
}

/** One-sample t-test of mean(x) = mu. Throws for n < 2 or zero variance (as R does). */
export function oneSampleTTest(x: ArrayLike<number>, options: TTestOptions = {}): TTestResult {
  const xs = finiteSample("x", x, 2);
  const alt = checkAlternative(options.alternative);
  const level = checkLevel("confLevel", options.confLevel, 0.95);
  const mu = checkFinite("mu", options.mu ?? 0);
  const m = mean(xs);
  const se = Math.sqrt(variance(xs) / xs.length);
  if (essentiallyConstant(se, m)) throw constantError("the data");
  return finish("one_sample_t", m, se, xs.length - 1, mu, alt, level);
}

/** Paired t-test on d = x - y (so the estimate is mean(x - y)). */
export function pairedTTest(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: TTestOptions = {},
): TTestResult {
  samePairs("x", x, "y", y);
  const xs = finiteSample("x", x, 2);
  const ys = finiteSample("y", y, 2);
  const alt = checkAlternative(options.alternative);
  const level = checkLevel("confLevel", options.confLevel, 0.95);
  const mu = checkFinite("mu", options.mu ?? 0);
  const d = new Float64Array(xs.length);
  for (let i = 0; i < d.length; i++) d[i] = xs[i]! - ys[i]!;
  const m = mean(d);
  const se = Math.sqrt(variance(d) / d.length);
  if (essentiallyConstant(se, m)) throw constantError("the paired differences");
  return finish("paired_t", m, se, d.length - 1, mu, alt, level);
}

/**
 * Welch two-sample t-test (unequal variances), df by Welch–Satterthwaite. Estimate is
 * mean(x) - mean(y). Each sample needs n >= 2.
 */
export function welchTTest(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: TTestOptions = {},
): TTestResult & { meanX: number; meanY: number } {
  const xs = finiteSample("x", x, 2);
  const ys = finiteSample("y", y, 2);
  const alt = checkAlternative(options.alternative);
  const level = checkLevel("confLevel", options.confLevel, 0.95);
  const mu = checkFinite("mu", options.mu ?? 0);
  const mx = mean(xs);
  const my = mean(ys);
  const vx = variance(xs) / xs.length;
  const vy = variance(ys) / ys.length;
  const se = Math.sqrt(vx + vy);
  if (essentiallyConstant(se, Math.max(Math.abs(mx), Math.abs(my))))
    throw constantError("both samples");
  const df = (vx + vy) ** 2 / (vx ** 2 / (xs.length - 1) + vy ** 2 / (ys.length - 1));
  return { ...finish("welch_t", mx - my, se, df, mu, alt, level), meanX: mx, meanY: my };
}

/** Student two-sample t-test with pooled (equal) variance; df = nx + ny - 2. */
export function studentTTest(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: TTestOptions = {},
): TTestResult & { meanX: number; meanY: number } {
  const xs = finiteSample("x", x, 1);
  const ys = finiteSample("y", y, 1);
  if (xs.length + ys.length < 3) {
    throw new StatsInputError("student t-test needs at least 3 values in total");
  }
  const alt = checkAlternative(options.alternative);
  const level = checkLevel("confLevel", options.confLevel, 0.95);
  const mu = checkFinite("mu", options.mu ?? 0);
  const mx = mean(xs);
  const my = mean(ys);
  const df = xs.length + ys.length - 2;
  let ss = 0;
  if (xs.length > 1) ss += variance(xs) * (xs.length - 1);
  if (ys.length > 1) ss += variance(ys) * (ys.length - 1);
  const pooled = ss / df;
  const se = Math.sqrt(pooled * (1 / xs.length + 1 / ys.length));
  if (essentiallyConstant(se, Math.max(Math.abs(mx), Math.abs(my))))
    throw constantError("both samples");
  return { ...finish("student_t", mx - my, se, df, mu, alt, level), meanX: mx, meanY: my };
}
