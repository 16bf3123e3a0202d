import { dbinom, pbinom, qbeta } from "./dist.js";
import { StatsInputError } from "./errors.js";
import type { Alternative, Interval } from "./types.js";
import { checkAlternative, checkCount, checkLevel } from "./validate.js";

export interface BinomialTestResult {
  test: "binomial_exact";
  successes: number;
  trials: number;
  estimate: number;
  pValue: number;
  alternative: Alternative;
  /** Clopper–Pearson interval. */
  ci: Interval;
}

/**
 * Clopper–Pearson ("exact") interval from beta quantiles. One-sided alternatives give
 * [0, u] ("less") or [l, 1] ("greater") at the full level, as R's binom.test.
 */
export function clopperPearson(
  x: number,
  n: number,
  options: { confLevel?: number; alternative?: Alternative } = {},
): Interval {
  checkCount("trials", n, 1);
  checkCount("successes", x);
  if (x > n) throw new StatsInputError(`successes (${x}) cannot exceed trials (${n})`);
  const level = checkLevel("confLevel", options.confLevel, 0.95);
  const alt = checkAlternative(options.alternative);
  const lowerAt = (a: number) => (x === 0 ? 0 : qbeta(a, x, n - x + 1));
  const upperAt = (a: number) => (x === n ? 1 : qbeta(1 - a, x + 1, n - x));
  if (alt === "less") return { lower: 0, upper: upperAt(1 - level), level };
  if (alt === "greater") return { lower: lowerAt(1 - level), upper: 1, level };
  const a = (1 - level) / 2;
  return { lower: lowerAt(a), upper: upperAt(a), level };
}

/**
 * Exact binomial test (R `binom.test`). Two-sided p sums the probabilities of all outcomes no
 * more likely than the observed one, with R's relative tolerance 1 + 1e-7.
 */
export function binomialTest(
  x: number,
  n: number,
  options: { p?: number; alternative?: Alternative; confLevel?: number } = {},
): BinomialTestResult {
  checkCount("trials", n, 1);
  checkCount("successes", x);
  if (x > n) throw new StatsInputError(`successes (${x}) cannot exceed trials (${n})`);
  const p = options.p ?? 0.5;
  if (!(p >= 0 && p <= 1)) throw new StatsInputError(`p must be in [0, 1], got ${String(p)}`);
  const alt = checkAlternative(options.alternative);
  const ci = clopperPearson(x, n, { confLevel: options.confLevel, alternative: alt });
  let pValue: number;
  if (alt === "less") pValue = pbinom(x, n, p);
  else if (alt === "greater") pValue = x === 0 ? 1 : 1 - pbinom(x - 1, n, p);
  else if (p === 0) pValue = x === 0 ? 1 : 0;
  else if (p === 1) pValue = x === n ? 1 : 0;
  else {
    const d = dbinom(x, n, p) * (1 + 1e-7);
    let s = 0;
    for (let i = 0; i <= n; i++) {
      const di = dbinom(i, n, p);
      if (di <= d) s += di;
    }
    pValue = Math.min(1, s);
  }
  return {
    test: "binomial_exact",
    successes: x,
    trials: n,
    estimate: x / n,
    pValue,
    alternative: alt,
    ci,
  };
}
