import { pnorm, pnormUpper, psignrank } from "./dist.js";
import { rankWithTies } from "./rank.js";
import type { Alternative } from "./types.js";
import { checkAlternative, checkFinite, finiteSample, samePairs } from "./validate.js";

export interface RankTestOptions {
  alternative?: Alternative;
  mu?: number;
  /** Force the exact or the normal method; default exact when n < 50 with no ties (and no zeros). */
  exact?: boolean;
  /** Continuity correction in the normal approximation (default true, as R). */
  correct?: boolean;
}

export interface RankTestResult {
  test: "wilcoxon_signed_rank" | "mann_whitney_u";
  /** Signed-rank: V = W+ (R's convention). Mann–Whitney: W = U of the first sample (R's). */
  statistic: number;
  pValue: number;
  alternative: Alternative;
  method: "exact" | "normal";
  /** Number of differences used (signed-rank, after dropping zeros) or [nx, ny]. */
  n: number | [number, number];
  /** Signed-rank only: zero differences dropped. */
  zeros?: number;
}

function normalP(z: number, alt: Alternative): number {
  if (alt === "less") return pnorm(z);
  if (alt === "greater") return pnormUpper(z);
  return Math.min(1, 2 * Math.min(pnorm(z), pnormUpper(z)));
}

function correction(z: number, alt: Alternative, correct: boolean): number {
  if (!correct) return 0;
  if (alt === "two-sided") return Math.sign(z) * 0.5;
  return alt === "greater" ? 0.5 : -0.5;
}

/**
 * Wilcoxon signed-rank test of x - mu (one sample) or x - y - mu (paired), as R's wilcox.test.
 * Zero differences are dropped before ranking (R's and SciPy's "wilcox" zero method); if any
 * were dropped the exact method is not used, as in R. If every difference is zero there is no
 * evidence either way: V = 0 and p = 1.
 * The statistic is V = W+, the sum of ranks of positive differences. (SciPy's two-sided
 * statistic is min(W+, W-); W- = n(n+1)/2 - V.)
 */
export function wilcoxonSignedRank(
  x: ArrayLike<number>,
  y?: ArrayLike<number>,
  options: RankTestOptions = {},
): RankTestResult {
  const xs = finiteSample("x", x, 1);
  const alt = checkAlternative(options.alternative);
  const mu = checkFinite("mu", options.mu ?? 0);
  let d: Float64Array;
  if (y !== undefined) {
    samePairs("x", x, "y", y);
    const ys = finiteSample("y", y, 1);
    d = new Float64Array(xs.length);
    for (let i = 0; i < d.length; i++) d[i] = xs[i]! - ys[i]! - mu;
  } else {
    d = xs;
    for (let i = 0; i < d.length; i++) d[i] = d[i]! - mu;
  }
  let nz = 0;
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) nz++;
  const zeros = d.length - nz;
  const base = { test: "wilcoxon_signed_rank" as const, alternative: alt, n: nz, zeros };
  if (nz === 0) return { ...base, statistic: 0, pValue: 1, method: "exact" };
  const kept = new Float64Array(nz);
  const abs = new Float64Array(nz);
  for (let i = 0, j = 0; i < d.length; i++) {
    if (d[i] !== 0) {
      kept[j] = d[i]!;
      abs[j++] = Math.abs(d[i]!);
    }
  }
  const { ranks, tieTerm, hasTies } = rankWithTies(abs);
  let v = 0;
  for (let i = 0; i < nz; i++) if (kept[i]! > 0) v += ranks[i]!;
  const exact = (options.exact ?? nz < 50) && !hasTies && zeros === 0;
  if (exact) {
    let p: number;
    if (alt === "less") p = psignrank(v, nz);
    else if (alt === "greater") p = 1 - psignrank(v - 1, nz);
    else {
      const half = (nz * (nz + 1)) / 4;
      p = v > half ? 1 - psignrank(v - 1, nz) : psignrank(v, nz);
      p = Math.min(1, 2 * p);
    }
    return { ...base, statistic: v, pValue: p, method: "exact" };
  }
  const z0 = v - (nz * (nz + 1)) / 4;
  const sigma = Math.sqrt((nz * (nz + 1) * (2 * nz + 1)) / 24 - tieTerm / 48);
  // sigma is 0 only when every |d| is tied and n = 1: a single difference carries no rank evidence.
  if (!(sigma > 0)) return { ...base, statistic: v, pValue: 1, method: "normal" };
  const z = (z0 - correction(z0, alt, options.correct ?? true)) / sigma;
  return { ...base, statistic: v, pValue: normalP(z, alt), method: "normal" };
}

/** P(U <= u) for the Mann–Whitney U of samples of sizes m and n, no ties, by exact counting. */
export function pwilcox(u: number, m: number, n: number): number {
  const counts = wilcoxCounts(m, n);
  const max = m * n;
  if (u < 0) return 0;
  if (u >= max) return 1;
  let below = 0;
  let total = 0;
  for (let k = 0; k <= max; k++) {
    total += counts[k]!;
    if (k <= u) below += counts[k]!;
  }
  return below / total;
}

/**
 * Frequencies of U = (sum of m ranks among 1..m+n) - m(m+1)/2, by a subset-sum count over
 * ranks. Only additions of non-negative doubles, so relative precision holds even near 1e29.
 */
function wilcoxCounts(m: number, n: number): Float64Array {
  const N = m + n;
  const maxU = m * n;
  // dp[k * (maxU + 1) + u]: ways to choose k ranks among those seen, with U-contribution u,
  // where choosing rank j as the k-th smallest adds j - k.
  const W = maxU + 1;
  const dp = new Float64Array((m + 1) * W);
  dp[0] = 1;
  for (let j = 1; j <= N; j++) {
    for (let k = Math.min(j, m); k >= 1; k--) {
      const shift = j - k;
      if (shift > n) continue;
      const src = (k - 1) * W;
      const dst = k * W;
      for (let u = maxU; u >= shift; u--) dp[dst + u] = dp[dst + u]! + dp[src + u - shift]!;
    }
  }
  return dp.subarray(m * W, m * W + W);
}

/**
 * Mann–Whitney U / Wilcoxon rank-sum test (R `wilcox.test(x, y)`). The statistic is W = U of
 * x = (rank sum of x) - nx(nx+1)/2. Exact when both samples have < 50 values and no ties.
 */
export function mannWhitneyU(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: RankTestOptions = {},
): RankTestResult {
  const xs = finiteSample("x", x, 1);
  const ys = finiteSample("y", y, 1);
  const alt = checkAlternative(options.alternative);
  const mu = checkFinite("mu", options.mu ?? 0);
  const nx = xs.length;
  const ny = ys.length;
  const all = new Float64Array(nx + ny);
  for (let i = 0; i < nx; i++) all[i] = xs[i]! - mu;
  all.set(ys, nx);
  const { ranks, tieTerm, hasTies } = rankWithTies(all);
  let rx = 0;
  for (let i = 0; i < nx; i++) rx += ranks[i]!;
  const w = rx - (nx * (nx + 1)) / 2;
  const base = {
    test: "mann_whitney_u" as const,
    statistic: w,
    alternative: alt,
    n: [nx, ny] as [number, number],
  };
  const exact = (options.exact ?? (nx < 50 && ny < 50)) && !hasTies;
  if (exact) {
    let p: number;
    if (alt === "less") p = pwilcox(w, nx, ny);
    else if (alt === "greater") p = 1 - pwilcox(w - 1, nx, ny);
    else {
      p = w > (nx * ny) / 2 ? 1 - pwilcox(w - 1, nx, ny) : pwilcox(w, nx, ny);
      p = Math.min(1, 2 * p);
    }
    return { ...base, pValue: p, method: "exact" };
  }
  const z0 = w - (nx * ny) / 2;
  const N = nx + ny;
  const sigma = Math.sqrt(((nx * ny) / 12) * (N + 1 - tieTerm / (N * (N - 1))));
  // All values tied: the ranks carry no information.
  if (!(sigma > 0)) return { ...base, pValue: 1, method: "normal" };
  const z = (z0 - correction(z0, alt, options.correct ?? true)) / sigma;
  return { ...base, pValue: normalP(z, alt), method: "normal" };
}
