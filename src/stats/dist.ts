/**
 * One place for the distribution functions. The @stdlib packages are CommonJS with
 * `export =` typings shipped in `docs/types`; under NodeNext + esModuleInterop a default
 * import gives `module.exports`, so no hand-written declarations are needed. Keeping them
 * behind this file lets the rest of the module name them plainly (pt, qt, …, as in R) and
 * swap an implementation without touching the tests.
 */
import betaQuantile from "@stdlib/stats-base-dists-beta-quantile";
import binomialCdf from "@stdlib/stats-base-dists-binomial-cdf";
import binomialPmf from "@stdlib/stats-base-dists-binomial-pmf";
import chisquareCdf from "@stdlib/stats-base-dists-chisquare-cdf";
import fCdf from "@stdlib/stats-base-dists-f-cdf";
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import signrankCdf from "@stdlib/stats-base-dists-signrank-cdf";
import tCdf from "@stdlib/stats-base-dists-t-cdf";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";

/** Student t CDF, P(T <= x). */
export const pt = (x: number, df: number): number => tCdf(x, df);
/** Upper tail P(T > x), by symmetry to keep precision in the far tail. */
export const ptUpper = (x: number, df: number): number => tCdf(-x, df);
export const qt = (p: number, df: number): number => tQuantile(p, df);
export const pnorm = (x: number): number => normalCdf(x, 0, 1);
export const pnormUpper = (x: number): number => normalCdf(-x, 0, 1);
export const qnorm = (p: number): number => normalQuantile(p, 0, 1);
export const pchisq = (x: number, df: number): number => chisquareCdf(x, df);
/** Upper tail of chi-square; 1 - cdf is fine at the p-values we report (>= ~1e-16). */
export const pchisqUpper = (x: number, df: number): number => 1 - chisquareCdf(x, df);
export const pfUpper = (x: number, d1: number, d2: number): number => 1 - fCdf(x, d1, d2);
export const pbinom = (x: number, n: number, p: number): number => binomialCdf(x, n, p);
export const dbinom = (x: number, n: number, p: number): number => binomialPmf(x, n, p);
export const qbeta = (p: number, a: number, b: number): number => betaQuantile(p, a, b);
/** Wilcoxon signed-rank statistic CDF, P(V <= x) for n non-zero differences. */
export const psignrank = (x: number, n: number): number => signrankCdf(x, n);

/** Standard normal density; a closed form, not an approximation. */
export function dnorm(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}
