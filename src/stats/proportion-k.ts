import { pchisqUpper, pnorm, pnormUpper, qnorm } from "./dist.js";
import { StatsInputError } from "./errors.js";
import type { Alternative, Interval } from "./types.js";
import { checkAlternative, checkCount, checkLevel } from "./validate.js";

export interface PropTestKOptions {
  /** Null proportions, one per group (a test of given proportions, df = k); default: equal. */
  p?: readonly number[];
  /** Yates' continuity correction; R applies it only when k = 2. Default true, as R. */
  correct?: boolean;
  /** Only for k = 2 without `p`; otherwise the test is two-sided (R does the same). */
  alternative?: Alternative;
  confLevel?: number;
}

export interface PropTestKResult {
  test: "prop_k";
  /** Pearson's X² over the k × 2 table of successes and failures. */
  statistic: number;
  df: number;
  pValue: number;
  /** x_i / n_i per group. */
  estimates: number[];
  alternative: Alternative;
  /** Whether a continuity correction was applied (k = 2, `correct`, and a non-zero term). */
  corrected: boolean;
  /** k = 2 without `p`: interval for p_1 − p_2 (Wald, widened by the correction as R). */
  ci?: Interval;
}

/**
 * k-sample test for equal (or given) proportions, R's `prop.test(x, n)` with k ≥ 2 groups: the
 * chi-square test on the k × 2 table. As R: the Yates correction applies only for k = 2
 * (min(0.5, |p1 − p2| / (1/n1 + 1/n2)) without `p`, 0.5 with it), one-sided alternatives only
 * for k = 2 without `p`, and the interval only for k = 2 without `p`. When every group has
 * all successes or all failures (pooled proportion 0 or 1) there is nothing to test: R gives
 * NaN, this gives statistic 0 and p = 1.
 */
export function propTestK(
  x: readonly number[],
  n: readonly number[],
  options: PropTestKOptions = {},
): PropTestKResult {
  if (!Array.isArray(x) || !Array.isArray(n) || x.length !== n.length) {
    throw new StatsInputError("x and n must be arrays of the same length");
  }
  const k = x.length;
  if (k < 2) throw new StatsInputError(`need at least 2 groups, got ${k} (one group: propTest)`);
  for (let i = 0; i < k; i++) {
    checkCount(`n[${i}]`, n[i]!, 1);
    checkCount(`x[${i}]`, x[i]!);
    if (x[i]! > n[i]!)
      throw new StatsInputError(`x[${i}] (${x[i]}) cannot exceed n[${i}] (${n[i]})`);
  }
  const given = options.p;
  if (given !== undefined) {
    if (given.length !== k)
      throw new StatsInputError(`p must have ${k} values, got ${given.length}`);
    for (const [i, v] of given.entries()) {
      if (!(v > 0 && v < 1))
        throw new StatsInputError(`p[${i}] must be strictly between 0 and 1, got ${v}`);
    }
  }
  const level = checkLevel("confLevel", options.confLevel, 0.95);
  let alternative = checkAlternative(options.alternative);
  if (k > 2 || given !== undefined) alternative = "two-sided";
  const correct = options.correct ?? true;
  const estimates = x.map((xi, i) => xi / n[i]!);

  let yates = correct && k === 2 ? 0.5 : 0;
  let ci: Interval | undefined;
  let delta = 0;
  if (k === 2 && given === undefined) {
    const [p1, p2] = estimates as [number, number];
    const [n1, n2] = n as [number, number];
    delta = p1 - p2;
    const invN = 1 / n1 + 1 / n2;
    yates = Math.min(yates, Math.abs(delta) / invN);
    const z = qnorm(alternative === "two-sided" ? (1 + level) / 2 : level);
    const width = z * Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2) + yates * invN;
    ci = {
      lower: alternative === "less" ? -1 : Math.max(delta - width, -1),
      upper: alternative === "greater" ? 1 : Math.min(delta + width, 1),
      level,
    };
  }

  const totalX = x.reduce((a, v) => a + v, 0);
  const totalN = n.reduce((a, v) => a + v, 0);
  const df = given === undefined ? k - 1 : k;
  const pooled = totalX / totalN;
  const base = { test: "prop_k" as const, df, estimates, alternative, ...(ci ? { ci } : {}) };
  if (given === undefined && (pooled === 0 || pooled === 1)) {
    return { ...base, statistic: 0, pValue: 1, corrected: false };
  }
  let statistic = 0;
  for (let i = 0; i < k; i++) {
    const p = given?.[i] ?? pooled;
    const e1 = n[i]! * p;
    const e0 = n[i]! * (1 - p);
    statistic += (Math.abs(x[i]! - e1) - yates) ** 2 / e1;
    statistic += (Math.abs(n[i]! - x[i]! - e0) - yates) ** 2 / e0;
  }
  let pValue: number;
  if (alternative === "two-sided") pValue = pchisqUpper(statistic, df);
  else {
    const z = Math.sign(delta) * Math.sqrt(statistic);
    pValue = alternative === "less" ? pnorm(z) : pnormUpper(z);
  }
  return { ...base, statistic, pValue, corrected: yates > 0 };
}
