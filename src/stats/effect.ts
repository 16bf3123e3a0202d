import { mean, variance } from "./descriptive.js";
import { StatsInputError } from "./errors.js";
import { wilson } from "./proportion.js";
import type { Interval } from "./types.js";
import { checkCount, checkLevel, finiteSample, samePairs } from "./validate.js";

/** Cohen's d for two independent samples: (mean x - mean y) / pooled sd. */
export function cohensD(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const xs = finiteSample("x", x, 2);
  const ys = finiteSample("y", y, 2);
  const df = xs.length + ys.length - 2;
  const sp = Math.sqrt(((xs.length - 1) * variance(xs) + (ys.length - 1) * variance(ys)) / df);
  if (!(sp > 0))
    throw new StatsInputError("Cohen's d is undefined: both samples have zero variance");
  return (mean(xs) - mean(ys)) / sp;
}

/**
 * Hedges' g: d times the small-sample correction J = 1 - 3 / (4 df - 1), df = nx + ny - 2
 * (Hedges 1981 approximation; within 0.3% of the exact gamma ratio for df >= 4, and
 * gamma is not among the installed distribution packages).
 */
export function hedgesG(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const d = cohensD(x, y);
  const df = x.length + y.length - 2;
  return d * (1 - 3 / (4 * df - 1));
}

/** Paired effect size d_z = mean(x - y) / sd(x - y), the quantity the paired-test power uses. */
export function cohensDz(x: ArrayLike<number>, y: ArrayLike<number>): number {
  samePairs("x", x, "y", y);
  const xs = finiteSample("x", x, 2);
  const ys = finiteSample("y", y, 2);
  const d = xs.map((v, i) => v - ys[i]!);
  const s = Math.sqrt(variance(d));
  if (!(s > 0))
    throw new StatsInputError("d_z is undefined: the paired differences have zero variance");
  return mean(d) / s;
}

/**
 * Risk difference p1 - p2 of two independent proportions, with Newcombe's hybrid score
 * interval (method 10, from the two Wilson intervals), which stays inside [-1, 1].
 */
export function riskDifference(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  options: { confLevel?: number } = {},
): { estimate: number; ci: Interval } {
  checkCount("n1", n1, 1);
  checkCount("n2", n2, 1);
  const level = checkLevel("confLevel", options.confLevel, 0.95);
  const w1 = wilson(x1, n1, { confLevel: level });
  const w2 = wilson(x2, n2, { confLevel: level });
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const d = p1 - p2;
  return {
    estimate: d,
    ci: {
      lower: d - Math.sqrt((p1 - w1.lower) ** 2 + (w2.upper - p2) ** 2),
      upper: d + Math.sqrt((w1.upper - p1) ** 2 + (p2 - w2.lower) ** 2),
      level,
    },
  };
}
