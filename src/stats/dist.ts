/**
 * One place for the distribution functions, named plainly (pt, qt, …, as in R) so that an
 * implementation can be swapped without touching the tests. The @stdlib packages are
 * CommonJS with `export =` typings; each is required on first use, because together they take
 * ~150 ms to load and most commands (`eval` among them) never call one.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

function lazy<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= require(id) as T;
    return loaded;
  };
}

const betaQuantile = lazy<typeof import("@stdlib/stats-base-dists-beta-quantile")>(
  "@stdlib/stats-base-dists-beta-quantile",
);
const binomialCdf = lazy<typeof import("@stdlib/stats-base-dists-binomial-cdf")>(
  "@stdlib/stats-base-dists-binomial-cdf",
);
const binomialPmf = lazy<typeof import("@stdlib/stats-base-dists-binomial-pmf")>(
  "@stdlib/stats-base-dists-binomial-pmf",
);
const chisquareCdf = lazy<typeof import("@stdlib/stats-base-dists-chisquare-cdf")>(
  "@stdlib/stats-base-dists-chisquare-cdf",
);
const fCdf = lazy<typeof import("@stdlib/stats-base-dists-f-cdf")>(
  "@stdlib/stats-base-dists-f-cdf",
);
const normalCdf = lazy<typeof import("@stdlib/stats-base-dists-normal-cdf")>(
  "@stdlib/stats-base-dists-normal-cdf",
);
const normalQuantile = lazy<typeof import("@stdlib/stats-base-dists-normal-quantile")>(
  "@stdlib/stats-base-dists-normal-quantile",
);
const signrankCdf = lazy<typeof import("@stdlib/stats-base-dists-signrank-cdf")>(
  "@stdlib/stats-base-dists-signrank-cdf",
);
const tCdf = lazy<typeof import("@stdlib/stats-base-dists-t-cdf")>(
  "@stdlib/stats-base-dists-t-cdf",
);
const tQuantile = lazy<typeof import("@stdlib/stats-base-dists-t-quantile")>(
  "@stdlib/stats-base-dists-t-quantile",
);

/** Student t CDF, P(T <= x). */
export const pt = (x: number, df: number): number => tCdf()(x, df);
/** Upper tail P(T > x), by symmetry to keep precision in the far tail. */
export const ptUpper = (x: number, df: number): number => tCdf()(-x, df);
export const qt = (p: number, df: number): number => tQuantile()(p, df);
export const pnorm = (x: number): number => normalCdf()(x, 0, 1);
export const pnormUpper = (x: number): number => normalCdf()(-x, 0, 1);
export const qnorm = (p: number): number => normalQuantile()(p, 0, 1);
export const pchisq = (x: number, df: number): number => chisquareCdf()(x, df);
/** Upper tail of chi-square; 1 - cdf is fine at the p-values we report (>= ~1e-16). */
export const pchisqUpper = (x: number, df: number): number => 1 - chisquareCdf()(x, df);
export const pfUpper = (x: number, d1: number, d2: number): number => 1 - fCdf()(x, d1, d2);
export const pbinom = (x: number, n: number, p: number): number => binomialCdf()(x, n, p);
export const dbinom = (x: number, n: number, p: number): number => binomialPmf()(x, n, p);
export const qbeta = (p: number, a: number, b: number): number => betaQuantile()(p, a, b);
/** Wilcoxon signed-rank statistic CDF, P(V <= x) for n non-zero differences. */
export const psignrank = (x: number, n: number): number => signrankCdf()(x, n);

/** Standard normal density; a closed form, not an approximation. */
export function dnorm(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}
