import { StatsInputError } from "./errors.js";
import { finiteSample } from "./validate.js";

/** Hyndman & Fan (1996) sample quantile definitions, numbered as R's `quantile(type = )`. */
export type QuantileType = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

// (a, b) of p(k) = (k - a) / (n + 1 - a - b) for the continuous types 4..9, as in R.
const AB: Record<number, [number, number]> = {
  4: [0, 1],
  5: [0.5, 0.5],
  6: [0, 0],
  7: [1, 1],
  8: [1 / 3, 1 / 3],
  9: [3 / 8, 3 / 8],
};
// R uses an absolute 4 * eps; scaled by n p here, so that e.g. 0.999 * 100000, which is
// 99900.00000000001 in floating point, still lands on the jump at the 99,900th value.
const fuzzFor = (nppm: number) => 4 * Number.EPSILON * Math.max(1, Math.abs(nppm));

function quantileSorted(s: Float64Array, p: number, type: QuantileType): number {
  const n = s.length;
  let j: number;
  let h: number;
  if (type <= 3) {
    const nppm = type === 3 ? n * p - 0.5 : n * p;
    const FUZZ = fuzzFor(nppm);
    j = Math.floor(nppm + FUZZ);
    if (type === 1) h = nppm > j + FUZZ ? 1 : 0;
    else if (type === 2) h = ((nppm > j + FUZZ ? 1 : 0) + 1) / 2;
    else h = Math.abs(nppm - j) > FUZZ || j % 2 === 1 ? 1 : 0;
  } else {
    const [a, b] = AB[type]!;
    const nppm = a + p * (n + 1 - a - b);
    const FUZZ = fuzzFor(nppm);
    j = Math.floor(nppm + FUZZ);
    h = nppm - j;
    if (Math.abs(h) < FUZZ) h = 0;
  }
  // 1-based order statistics x_(j) and x_(j+1), clamped to the sample as R pads it.
  const lo = s[Math.min(n - 1, Math.max(0, j - 1))]!;
  const hi = s[Math.min(n - 1, Math.max(0, j))]!;
  if (h === 0) return lo;
  if (h === 1) return hi;
  return lo === hi ? lo : (1 - h) * lo + h * hi;
}

/**
 * Exact sample quantiles. Default definition R type 7 (linear interpolation between order
 * statistics, (k - 1) / (n - 1)), also NumPy's default. Types 1-9 follow Hyndman & Fan.
 */
export function quantiles(
  x: ArrayLike<number>,
  probs: readonly number[],
  options: { type?: QuantileType } = {},
): number[] {
  const s = finiteSample("x", x, 1).sort();
  const type = options.type ?? 7;
  if (!Number.isInteger(type) || type < 1 || type > 9) {
    throw new StatsInputError(`quantile type must be an integer 1..9, got ${String(type)}`);
  }
  return probs.map((p) => {
    if (!(typeof p === "number" && p >= 0 && p <= 1)) {
      throw new StatsInputError(`quantile probability must be in [0, 1], got ${String(p)}`);
    }
    return quantileSorted(s, p, type);
  });
}

export function quantile(
  x: ArrayLike<number>,
  p: number,
  options: { type?: QuantileType } = {},
): number {
  return quantiles(x, [p], options)[0]!;
}
