/**
 * One place for the distribution functions, named plainly (pt, qt, …, as in R) so that an
 * implementation can be swapped without touching the tests. The @stdlib packages are
 * CommonJS with `export =` typings; each is required on first use, because together they take
 * ~150 ms to load and most commands (`eval` among them) never call one.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The @stdlib packages used, by id, with their `export =` types. */
interface Stdlib {
  "@stdlib/stats-base-dists-beta-quantile": typeof import("@stdlib/stats-base-dists-beta-quantile");
  "@stdlib/stats-base-dists-binomial-cdf": typeof import("@stdlib/stats-base-dists-binomial-cdf");
  "@stdlib/stats-base-dists-binomial-pmf": typeof import("@stdlib/stats-base-dists-binomial-pmf");
  "@stdlib/stats-base-dists-chisquare-cdf": typeof import("@stdlib/stats-base-dists-chisquare-cdf");
  "@stdlib/stats-base-dists-f-cdf": typeof import("@stdlib/stats-base-dists-f-cdf");
  "@stdlib/stats-base-dists-normal-cdf": typeof import("@stdlib/stats-base-dists-normal-cdf");
  "@stdlib/stats-base-dists-normal-quantile": typeof import("@stdlib/stats-base-dists-normal-quantile");
  "@stdlib/stats-base-dists-signrank-cdf": typeof import("@stdlib/stats-base-dists-signrank-cdf");
  "@stdlib/stats-base-dists-t-cdf": typeof import("@stdlib/stats-base-dists-t-cdf");
  "@stdlib/stats-base-dists-t-quantile": typeof import("@stdlib/stats-base-dists-t-quantile");
}

const loaded = new Map<keyof Stdlib, unknown>();

function stdlib<K extends keyof Stdlib>(id: K): Stdlib[K] {
  let fn = loaded.get(id);
  if (fn === undefined) {
    fn = require(id);
    loaded.set(id, fn);
  }
  return fn as Stdlib[K];
}

/** Student t CDF, P(T <= x). */
export const pt = (x: number, df: number): number =>
  stdlib("@stdlib/stats-base-dists-t-cdf")(x, df);
/** Upper tail P(T > x), by symmetry to keep precision in the far tail. */
export const ptUpper = (x: number, df: number): number =>
  stdlib("@stdlib/stats-base-dists-t-cdf")(-x, df);
export const qt = (p: number, df: number): number =>
  stdlib("@stdlib/stats-base-dists-t-quantile")(p, df);
export const pnorm = (x: number): number => stdlib("@stdlib/stats-base-dists-normal-cdf")(x, 0, 1);
export const pnormUpper = (x: number): number =>
  stdlib("@stdlib/stats-base-dists-normal-cdf")(-x, 0, 1);
export const qnorm = (p: number): number =>
  stdlib("@stdlib/stats-base-dists-normal-quantile")(p, 0, 1);
export const pchisq = (x: number, df: number): number =>
  stdlib("@stdlib/stats-base-dists-chisquare-cdf")(x, df);
/** Upper tail of chi-square; 1 - cdf is fine at the p-values we report (>= ~1e-16). */
export const pchisqUpper = (x: number, df: number): number =>
  1 - stdlib("@stdlib/stats-base-dists-chisquare-cdf")(x, df);
export const pfUpper = (x: number, d1: number, d2: number): number =>
  1 - stdlib("@stdlib/stats-base-dists-f-cdf")(x, d1, d2);
export const pbinom = (x: number, n: number, p: number): number =>
  stdlib("@stdlib/stats-base-dists-binomial-cdf")(x, n, p);
export const dbinom = (x: number, n: number, p: number): number =>
  stdlib("@stdlib/stats-base-dists-binomial-pmf")(x, n, p);
export const qbeta = (p: number, a: number, b: number): number =>
  stdlib("@stdlib/stats-base-dists-beta-quantile")(p, a, b);
/** Wilcoxon signed-rank statistic CDF, P(V <= x) for n non-zero differences. */
export const psignrank = (x: number, n: number): number =>
  stdlib("@stdlib/stats-base-dists-signrank-cdf")(x, n);

/** Standard normal density; a closed form, not an approximation. */
export function dnorm(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}
