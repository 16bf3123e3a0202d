import {
  type BootstrapOptions,
  type BootstrapResult,
  bcaInterval,
  percentilePValue,
  resampleIntervals,
  resampleMeans,
  streamFor,
} from "./bootstrap.js";
import { qnorm } from "./dist.js";
import type { Interval } from "./types.js";
import { checkCount, checkLevel, finiteSample } from "./validate.js";

export interface TwoSampleBootstrapResult extends BootstrapResult {
  /** Sizes of x and y; `n` is their sum. */
  nX: number;
  nY: number;
}

/**
 * BCa acceleration of mean(x) − mean(y) from the jackknife over both samples (Efron &
 * Tibshirani 1993, eq. 15.36 for several samples, as SciPy): each sample is left out one
 * point at a time with the other intact. For the difference of means the influence values
 * are U = x_i − mean(x) and U = −(y_j − mean(y)), so
 * a = Σ_s Σ U³ / n_s³ ⁄ (6 · (Σ_s Σ U² / n_s²)^{3/2}); 0 when both samples are constant.
 */
export function twoSampleAcceleration(x: Float64Array, y: Float64Array): number {
  let num = 0;
  let den = 0;
  for (const [s, sign] of [
    [x, 1],
    [y, -1],
  ] as const) {
    const n = s.length;
    let m = 0;
    for (let i = 0; i < n; i++) m += s[i]!;
    m /= n;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < n; i++) {
      const u = sign * (s[i]! - m);
      s2 += u * u;
      s3 += u * u * u;
    }
    num += s3 / n ** 3;
    den += s2 / n ** 2;
  }
  return den > 0 ? num / (6 * den ** 1.5) : 0;
}

/**
 * The BCa interval from sorted resampled statistics: z0 = Φ⁻¹(share of resamples below the
 * estimate, ties counting half, as SciPy), the adjusted levels
 * α_i = Φ(z0 + (z0 + z_i) / (1 − a (z0 + z_i))), and the type-7 quantiles at them.
 * A share of 0 or 1 would make z0 infinite; it is clamped half a resample from the edge.
 */
export function bcaFromResamples(
  sorted: Float64Array,
  estimate: number,
  acceleration: number,
  level: number,
): { interval: Interval; z0: number; alphas: [number, number] } {
  const B = sorted.length;
  let below = 0;
  let ties = 0;
  for (let b = 0; b < B; b++) {
    if (sorted[b]! < estimate) below++;
    else if (sorted[b]! === estimate) ties++;
  }
  const share = Math.min(1 - 0.5 / B, Math.max(0.5 / B, (below + ties / 2) / B));
  const z0 = qnorm(share);
  return { ...bcaInterval(sorted, z0, acceleration, level), z0 };
}

/**
 * Two-sample bootstrap for the difference of means mean(x) − mean(y) of independent groups
 * of any sizes (each resampled from itself, with its own size): percentile, basic and BCa
 * intervals. Needs at least 2 values in each group. Seeded like `bootstrapMean`.
 */
export function bootstrapMeanDiff(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: BootstrapOptions = {},
): TwoSampleBootstrapResult {
  const xs = finiteSample("x", x, 2);
  const ys = finiteSample("y", y, 2);
  const B = checkCount("resamples", options.resamples ?? 10_000, 100);
  const level = checkLevel("confLevel", options.confLevel, 0.95);
  const { rng, seed } = streamFor(options, "bootstrap-two-sample");
  const mean = (s: Float64Array) => s.reduce((a, v) => a + v, 0) / s.length;
  const estimate = mean(xs) - mean(ys);

  const t = resampleMeans(xs, B, rng);
  const ty = resampleMeans(ys, B, rng);
  for (let b = 0; b < B; b++) t[b] = t[b]! - ty[b]!;
  const spread = resampleIntervals(t, estimate, level);
  const acceleration = twoSampleAcceleration(xs, ys);
  const bca = bcaFromResamples(t, estimate, acceleration, level);
  return {
    estimate,
    n: xs.length + ys.length,
    nX: xs.length,
    nY: ys.length,
    resamples: B,
    seed,
    percentile: spread.percentile,
    basic: spread.basic,
    bca: bca.interval,
    z0: bca.z0,
    acceleration,
    stderr: spread.stderr,
    pValue: percentilePValue(t),
  };
}
