import { pchisqUpper, pnorm, pnormUpper, qnorm } from "./dist.js";
import { StatsInputError } from "./errors.js";
import type { Alternative, Interval } from "./types.js";
import { checkAlternative, checkCount, checkLevel } from "./validate.js";

export interface WilsonOptions {
  confLevel?: number;
  /** Continuity correction (Newcombe 1998 method 4 = R prop.test's interval). Default false. */
  correct?: boolean;
  alternative?: Alternative;
}

function checkXN(x: number, n: number) {
  checkCount("trials", n, 1);
  checkCount("successes", x);
  if (x > n) throw new StatsInputError(`successes (${x}) cannot exceed trials (${n})`);
}

/** The score interval with a given Yates term (0 or up to 0.5), exactly as R's prop.test. */
function scoreInterval(
  x: number,
  n: number,
  yates: number,
  level: number,
  alt: Alternative,
): Interval {
  const est = x / n;
  const z = qnorm(alt === "two-sided" ? (1 + level) / 2 : level);
  const z22n = (z * z) / (2 * n);
  let pc = est + yates / n;
  const upper =
    pc >= 1
      ? 1
      : (pc + z22n + z * Math.sqrt((pc * (1 - pc)) / n + z22n / (2 * n))) / (1 + 2 * z22n);
  pc = est - yates / n;
  const lower =
    pc <= 0
      ? 0
      : (pc + z22n - z * Math.sqrt((pc * (1 - pc)) / n + z22n / (2 * n))) / (1 + 2 * z22n);
  if (alt === "less") return { lower: 0, upper: Math.min(1, upper), level };
  if (alt === "greater") return { lower: Math.max(0, lower), upper: 1, level };
  return { lower: Math.max(0, lower), upper: Math.min(1, upper), level };
}

/** Wilson score interval for a proportion x / n (optionally continuity-corrected). */
export function wilson(x: number, n: number, options: WilsonOptions = {}): Interval {
  checkXN(x, n);
  const level = checkLevel("confLevel", options.confLevel, 0.95);
  const alt = checkAlternative(options.alternative);
  return scoreInterval(x, n, options.correct ? 0.5 : 0, level, alt);
}

export interface PropTestResult {
  test: "prop_score";
  statistic: number;
  df: 1;
  pValue: number;
  estimate: number;
  alternative: Alternative;
  ci: Interval;
}

/**
 * One-sample score test of a proportion (R `prop.test(x, n, p)`), with its Wilson interval.
 * With `correct` (default true, as R) the Yates term is min(0.5, |x - n p|).
 */
export function propTest(
  x: number,
  n: number,
  options: WilsonOptions & { p?: number } = {},
): PropTestResult {
  checkXN(x, n);
  const level = checkLevel("confLevel", options.confLevel, 0.95);
  const alt = checkAlternative(options.alternative);
  const p = options.p ?? 0.5;
  if (!(p > 0 && p < 1))
    throw new StatsInputError(`p must be strictly between 0 and 1, got ${String(p)}`);
  const yates = (options.correct ?? true) ? Math.min(0.5, Math.abs(x - n * p)) : 0;
  const statistic = (Math.abs(x - n * p) - yates) ** 2 / (n * p * (1 - p));
  const est = x / n;
  let pValue: number;
  if (alt === "two-sided") pValue = pchisqUpper(statistic, 1);
  else {
    const z = Math.sign(est - p) * Math.sqrt(statistic);
    pValue = alt === "less" ? pnorm(z) : pnormUpper(z);
  }
  return {
    test: "prop_score",
    statistic,
    df: 1,
    pValue,
    estimate: est,
    alternative: alt,
    ci: scoreInterval(x, n, yates, level, alt),
  };
}
