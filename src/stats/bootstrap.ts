import { type Rng, rngFor } from "../core/index.js";
import { pnorm, qnorm } from "./dist.js";
import { StatsInputError } from "./errors.js";
import type { Interval } from "./types.js";
import { checkCount, checkLevel, finiteSample, samePairs } from "./validate.js";

export type BootstrapMethod = "percentile" | "basic" | "bca";

export interface BootstrapOptions {
  /** Number of resamples, default 10,000. */
  resamples?: number;
  confLevel?: number;
  /** Seed for the resampling stream (default 0); the same seed and data give the same interval. */
  seed?: number;
  /** Extra key for the stream, e.g. the dimension name, so dimensions draw independent streams. */
  key?: string;
  /** A ready stream instead of seed/key. */
  rng?: Rng;
}

export interface BootstrapResult {
  /** The statistic on the original sample (mean, or mean of paired differences). */
  estimate: number;
  n: number;
  resamples: number;
  seed: number | null;
  percentile: Interval;
  basic: Interval;
  /** Bias-corrected and accelerated (Efron 1987), acceleration from the jackknife. */
  bca: Interval;
  /** BCa bias correction z0 = qnorm(share of resampled statistics below the estimate). */
  z0: number;
  /** BCa acceleration. */
  acceleration: number;
  /** Bootstrap standard error (sd of the resampled statistics). */
  stderr: number;
  /**
   * Two-sided bootstrap p-value for "the statistic is 0", by inverting the percentile interval:
   * min(1, 2 min((1 + #{t* <= 0}) / (B + 1), (1 + #{t* >= 0}) / (B + 1))). The +1 keeps it
   * above 0 (Davison & Hinkley 1997, eq. 4.11). It rejects at level α about when the
   * percentile interval at 1 − α excludes 0.
   */
  pValue: number;
}

/** Type-7 quantile of an already sorted array (the NumPy default, used on resamples). */
export function sortedQuantile(s: Float64Array, p: number): number {
  const h = (s.length - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

/**
 * Resampled means of d: `out[b] = mean(d[i_1..i_n])` with i drawn uniformly. The hot loop of
 * the module: no allocation per resample, one typed-array read per draw.
 */
export function resampleMeans(
  d: Float64Array,
  resamples: number,
  rng: Rng,
  out?: Float64Array,
): Float64Array {
  const n = d.length;
  const res = out ?? new Float64Array(resamples);
  const next = rng.next;
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[(next() * n) | 0]!;
    res[b] = s / n;
  }
  return res;
}

/** The two-sided percentile-inversion p-value for "the statistic is 0" (see `pValue`). */
export function percentilePValue(t: Float64Array): number {
  let atMostZero = 0;
  let atLeastZero = 0;
  for (let b = 0; b < t.length; b++) {
    if (t[b]! <= 0) atMostZero++;
    if (t[b]! >= 0) atLeastZero++;
  }
  return Math.min(1, (2 * (1 + Math.min(atMostZero, atLeastZero))) / (t.length + 1));
}

/**
 * Percentile and basic intervals and the bootstrap standard error (sd of the resampled
 * statistics) from the resampled statistics `t`, which this sorts in place.
 */
export function resampleIntervals(
  t: Float64Array,
  estimate: number,
  level: number,
): Pick<BootstrapResult, "percentile" | "basic" | "stderr"> {
  const B = t.length;
  let m1 = 0;
  for (let b = 0; b < B; b++) m1 += t[b]!;
  m1 /= B;
  let m2 = 0;
  for (let b = 0; b < B; b++) m2 += (t[b]! - m1) ** 2;
  t.sort();
  const alpha = (1 - level) / 2;
  const qLo = sortedQuantile(t, alpha);
  const qHi = sortedQuantile(t, 1 - alpha);
  return {
    percentile: { lower: qLo, upper: qHi, level },
    basic: { lower: 2 * estimate - qHi, upper: 2 * estimate - qLo, level },
    stderr: Math.sqrt(m2 / (B - 1)),
  };
}

/**
 * The BCa interval from sorted resampled statistics, given the bias correction z0 and the
 * acceleration: the adjusted levels α_i = Φ(z0 + (z0 + z_i) / (1 − a (z0 + z_i))) and the
 * type-7 quantiles at them.
 */
export function bcaInterval(
  sorted: Float64Array,
  z0: number,
  acceleration: number,
  level: number,
): { interval: Interval; alphas: [number, number] } {
  const alpha = (1 - level) / 2;
  const adjust = (z: number) => {
    const zz = z0 + z;
    const denom = 1 - acceleration * zz;
    // denom <= 0 only for extreme skew with tiny samples; the bound then goes to the edge.
    return denom > 0 ? pnorm(z0 + zz / denom) : z > 0 ? 1 : 0;
  };
  const a1 = adjust(qnorm(alpha));
  const a2 = adjust(qnorm(1 - alpha));
  return {
    interval: { lower: sortedQuantile(sorted, a1), upper: sortedQuantile(sorted, a2), level },
    alphas: [a1, a2],
  };
}

export function streamFor(
  options: BootstrapOptions,
  what: string,
): { rng: Rng; seed: number | null } {
  if (options.rng) return { rng: options.rng, seed: null };
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed))
    throw new StatsInputError(`seed must be an integer, got ${String(seed)}`);
  return {
    rng: options.key === undefined ? rngFor(seed, what) : rngFor(seed, what, options.key),
    seed,
  };
}

function intervalsFor(d: Float64Array, options: BootstrapOptions, what: string): BootstrapResult {
  const n = d.length;
  const B = checkCount("resamples", options.resamples ?? 10_000, 100);
  const level = checkLevel("confLevel", options.confLevel, 0.95);
  const { rng, seed } = streamFor(options, what);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += d[i]!;
  const est = sum / n;

  const t = resampleMeans(d, B, rng);
  let below = 0;
  for (let b = 0; b < B; b++) if (t[b]! < est) below++;
  const pValue = percentilePValue(t);
  const spread = resampleIntervals(t, est, level);

  // A share of 0 or 1 (every resample on one side, e.g. constant data) would make z0 infinite;
  // it is clamped to half a resample from the edge so the interval stays defined.
  const share = Math.min(1 - 0.5 / B, Math.max(0.5 / B, below / B));
  const z0 = qnorm(share);
  // Jackknife influence of each point on the mean: theta_bar - theta_(i) = (d_i - mean) / (n - 1);
  // the common factor cancels in the ratio.
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < n; i++) {
    const u = d[i]! - est;
    s2 += u * u;
    s3 += u * u * u;
  }
  const acceleration = s2 > 0 ? s3 / (6 * s2 ** 1.5) : 0;
  return {
    estimate: est,
    n,
    resamples: B,
    seed,
    percentile: spread.percentile,
    basic: spread.basic,
    bca: bcaInterval(t, z0, acceleration, level).interval,
    z0,
    acceleration,
    stderr: spread.stderr,
    pValue,
  };
}

/** Bootstrap intervals (percentile, basic, BCa) for the mean of one sample. Needs n >= 2. */
export function bootstrapMean(
  x: ArrayLike<number>,
  options: BootstrapOptions = {},
): BootstrapResult {
  return intervalsFor(finiteSample("x", x, 2), options, "bootstrap-mean");
}

/**
 * Paired bootstrap for the difference of means mean(x) - mean(y): pairs are resampled
 * together, which for the mean is the same as resampling d = x - y. Needs n >= 2 pairs.
 */
export function bootstrapPairedDiff(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: BootstrapOptions = {},
): BootstrapResult {
  samePairs("x", x, "y", y);
  const xs = finiteSample("x", x, 2);
  const ys = finiteSample("y", y, 2);
  const d = new Float64Array(xs.length);
  for (let i = 0; i < d.length; i++) d[i] = xs[i]! - ys[i]!;
  return intervalsFor(d, options, "bootstrap-paired");
}
