import { StatsInputError } from "./errors.js";
import type { Interval } from "./types.js";
import { checkLevel } from "./validate.js";

/**
 * An anytime-valid confidence sequence for the mean of bounded observations: the predictable
 * plug-in empirical-Bernstein CS of Waudby-Smith & Ramdas (2023, JRSS-B 86(1), Theorem 2,
 * "PrPl-EB"). With probability ≥ 1 − α the running mean of the observations' conditional
 * means lies inside the interval at EVERY look t = 1, 2, …, so a gate may look after each
 * round and stop as soon as the interval excludes 0, without inflating its error rate.
 *
 * On x ∈ [0, 1] (observations are mapped from [lower, upper]):
 *   μ̂_t = (1/2 + Σ_{i≤t} x_i) / (t + 1),   σ̂²_t = (1/4 + Σ_{i≤t} (x_i − μ̂_i)²) / (t + 1),
 *   λ_t = min(√(2 log(2/α) / (σ̂²_{t−1} t log(1 + t))), 1/2),
 *   v_t = 4 (x_t − μ̂_{t−1})²,   ψ_E(λ) = (−log(1 − λ) − λ) / 4,
 *   C_t = Σλ_i x_i / Σλ_i ± (log(2/α) + Σ v_i ψ_E(λ_i)) / Σλ_i,
 * intersected with [0, 1] and with every earlier C_s (an intersection of a CS is a CS).
 * λ_t uses only observations before t (predictable), so the order of the stream must not
 * depend on the values: callers order by round, then by a fixed key.
 */
export class PairedConfidenceSequence {
  readonly alpha: number;
  private readonly lo: number;
  private readonly span: number;
  private readonly values: number[] = [];
  private state: SequenceState;

  /**
   * @param alpha the level the incremental state tracks (other levels are recomputed).
   * @param bounds the range every observation lies in, default [−1, 1] (a difference of two
   *   scores in [0, 1]).
   */
  constructor(alpha = 0.05, bounds: [number, number] = [-1, 1]) {
    this.alpha = checkLevel("alpha", alpha, 0.05);
    const [lo, hi] = bounds;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo))
      throw new StatsInputError(`bounds must be finite with lower < upper, got [${lo}, ${hi}]`);
    this.lo = lo;
    this.span = hi - lo;
    this.state = initialState();
  }

  /** Number of observations so far. */
  get count(): number {
    return this.values.length;
  }

  /** Add observations in the order they were observed. */
  add(values: Iterable<number>): this {
    for (const v of values) {
      if (!(typeof v === "number" && Number.isFinite(v)))
        throw new StatsInputError(`confidence sequence: expected a finite number, got ${v}`);
      const x = (v - this.lo) / this.span;
      if (x < -1e-12 || x > 1 + 1e-12)
        throw new StatsInputError(
          `confidence sequence: ${v} is outside [${this.lo}, ${this.lo + this.span}]`,
        );
      const clamped = Math.min(1, Math.max(0, x));
      this.values.push(clamped);
      step(this.state, clamped, this.alpha);
    }
    return this;
  }

  /** Mean of the observations so far (in the original units). */
  mean(): number {
    if (this.values.length === 0) return this.lo + this.span / 2;
    return this.lo + this.span * (this.state.sumX / this.values.length);
  }

  /**
   * The interval at level 1 − alpha after all observations so far (the whole range before
   * any). `alpha` defaults to the constructor's; another level is recomputed from the stream.
   */
  interval(alpha: number = this.alpha): Interval {
    const a = checkLevel("alpha", alpha, this.alpha);
    let st = this.state;
    if (a !== this.alpha) {
      st = initialState();
      for (const x of this.values) step(st, x, a);
    }
    return {
      lower: this.lo + this.span * st.lower,
      upper: this.lo + this.span * st.upper,
      level: 1 - a,
    };
  }

  /**
   * The anytime-valid p-value for "the mean is `mu`": the smallest α whose sequence has
   * excluded `mu` at some look so far (found by bisection to 1e-6; 1 when it never does).
   */
  pValue(mu = 0): number {
    const target = (mu - this.lo) / this.span;
    const excludes = (a: number) => {
      const st = initialState();
      for (const x of this.values) {
        step(st, x, a);
        if (st.lower > target || st.upper < target) return true;
      }
      return false;
    };
    if (this.values.length === 0 || !excludes(0.999999)) return 1;
    let lo = 1e-12;
    let hi = 0.999999;
    if (excludes(lo)) return lo;
    while (hi - lo > 1e-6) {
      const mid = (lo + hi) / 2;
      if (excludes(mid)) hi = mid;
      else lo = mid;
    }
    return hi;
  }
}

interface SequenceState {
  t: number;
  sumX: number;
  /** μ̂_{t}, σ̂²_{t} numerators as in the class comment. */
  muHat: number;
  sumSq: number;
  sumLambda: number;
  sumLambdaX: number;
  sumPenalty: number;
  lower: number;
  upper: number;
}

function initialState(): SequenceState {
  return {
    t: 0,
    sumX: 0,
    muHat: 0.5,
    sumSq: 0,
    sumLambda: 0,
    sumLambdaX: 0,
    sumPenalty: 0,
    lower: 0,
    upper: 1,
  };
}

const LAMBDA_CAP = 0.5;

function step(st: SequenceState, x: number, alpha: number): void {
  const t = st.t + 1;
  const logTerm = Math.log(2 / alpha);
  const sigma2Prev = (0.25 + st.sumSq) / t; // σ̂²_{t−1} = (1/4 + Σ_{i<t}) / t
  const lambda = Math.min(
    Math.sqrt((2 * logTerm) / (sigma2Prev * t * Math.log(1 + t))),
    LAMBDA_CAP,
  );
  const v = 4 * (x - st.muHat) ** 2;
  const psi = (-Math.log(1 - lambda) - lambda) / 4;
  st.sumLambda += lambda;
  st.sumLambdaX += lambda * x;
  st.sumPenalty += v * psi;
  st.sumX += x;
  st.t = t;
  st.muHat = (0.5 + st.sumX) / (t + 1);
  st.sumSq += (x - st.muHat) ** 2;
  const centre = st.sumLambdaX / st.sumLambda;
  const radius = (logTerm + st.sumPenalty) / st.sumLambda;
  st.lower = Math.max(st.lower, centre - radius, 0);
  st.upper = Math.min(st.upper, centre + radius, 1);
}
