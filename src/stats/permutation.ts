import { type Rng, rngFor } from "../core/index.js";
import { StatsInputError } from "./errors.js";
import type { Alternative } from "./types.js";
import { checkAlternative, checkCount, finiteSample, samePairs } from "./validate.js";

export interface SignFlipOptions {
  alternative?: Alternative;
  /** Monte Carlo resamples when n is above `exactMaxN` (default 10,000). */
  resamples?: number;
  /** Enumerate all 2^n sign patterns up to this n (default 16). */
  exactMaxN?: number;
  seed?: number;
  rng?: Rng;
}

export interface SignFlipResult {
  test: "sign_flip_permutation";
  /** Observed mean difference mean(x - y). */
  statistic: number;
  pValue: number;
  alternative: Alternative;
  method: "exact" | "monte_carlo";
  /** Patterns enumerated (exact) or drawn (Monte Carlo). */
  permutations: number;
}

/**
 * Paired permutation test by sign flipping: under H0 each difference d = x - y is symmetric
 * about 0, so every sign pattern is equally likely. Exact enumeration for small n; otherwise
 * Monte Carlo with p = (1 + #{T* at least as extreme}) / (1 + B), which is never 0 and keeps
 * the test valid. Ties with the observed value count as "as extreme" (a relative 1e-12 slack
 * absorbs summation rounding). All differences zero gives statistic 0 and p = 1.
 */
export function signFlipTest(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: SignFlipOptions = {},
): SignFlipResult {
  samePairs("x", x, "y", y);
  const xs = finiteSample("x", x, 1);
  const ys = finiteSample("y", y, 1);
  const alt = checkAlternative(options.alternative);
  const n = xs.length;
  const d = new Float64Array(n);
  let sum = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    d[i] = xs[i]! - ys[i]!;
    sum += d[i]!;
    scale += Math.abs(d[i]!);
  }
  const base = { test: "sign_flip_permutation" as const, statistic: sum / n, alternative: alt };
  if (scale === 0) return { ...base, pValue: 1, method: "exact", permutations: 1 };
  const slack = 1e-12 * scale;
  const extreme = (t: number) =>
    alt === "greater"
      ? t >= sum - slack
      : alt === "less"
        ? t <= sum + slack
        : Math.abs(t) >= Math.abs(sum) - slack;

  const exactMaxN = options.exactMaxN ?? 16;
  if (n <= Math.min(exactMaxN, 24)) {
    const total = 2 ** n;
    let hits = 0;
    for (let mask = 0; mask < total; mask++) {
      let t = 0;
      for (let i = 0; i < n; i++) t += mask & (1 << i) ? -d[i]! : d[i]!;
      if (extreme(t)) hits++;
    }
    return { ...base, pValue: hits / total, method: "exact", permutations: total };
  }
  const B = checkCount("resamples", options.resamples ?? 10_000, 100);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed))
    throw new StatsInputError(`seed must be an integer, got ${String(seed)}`);
  const rng = options.rng ?? rngFor(seed, "sign-flip");
  let hits = 0;
  for (let b = 0; b < B; b++) {
    let t = 0;
    let bits = 0;
    for (let i = 0; i < n; i++) {
      // One 32-bit draw gives 32 signs.
      if ((i & 31) === 0) bits = (rng.next() * 4294967296) >>> 0;
      t += bits & (1 << (i & 31)) ? -d[i]! : d[i]!;
    }
    if (extreme(t)) hits++;
  }
  return { ...base, pValue: (hits + 1) / (B + 1), method: "monte_carlo", permutations: B };
}
