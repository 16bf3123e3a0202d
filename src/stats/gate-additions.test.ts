import { describe, expect, it } from "vitest";
import { createRng } from "../core/index.js";
import {
  bootstrapPairedDiff,
  correctedDifference,
  moreEpochsNeeded,
  PairedConfidenceSequence,
  roganGladen,
  StatsInputError,
} from "./index.js";

const close = (a: number, e: number, atol: number) =>
  expect(Math.abs(a - e)).toBeLessThanOrEqual(atol);

describe("moreEpochsNeeded (reference: SciPy noncentral t)", () => {
  // from scipy import stats; power(n, d, sdc, sde, e): sd = sqrt(sdc² + sde²/e), ncp = d/sd·√n,
  // c = stats.t.ppf(1 − α/2, n − 1); stats.nct.sf(c, n−1, ncp) + stats.nct.cdf(−c, n−1, ncp);
  // needed = the smallest e in 1..1000 with power ≥ 0.8.
  it("200 cases, δ 0.05, sdCase 0.1, sdEpoch 0.45, 3 epochs → 4 (power 0.71491 now)", () => {
    const r = moreEpochsNeeded({ delta: 0.05, sdCase: 0.1, sdEpoch: 0.45, cases: 200, epochs: 3 });
    expect(r?.neededEpochs).toBe(4);
    expect(r?.moreEpochs).toBe(1);
    close(r!.currentPower, 0.7149059, 1e-5);
  });
  it("50 cases, δ 0.05, sdCase 0.05, sdEpoch 0.5 → 20 epochs", () => {
    const r = moreEpochsNeeded({ delta: 0.05, sdCase: 0.05, sdEpoch: 0.5, cases: 50, epochs: 3 });
    expect(r?.neededEpochs).toBe(20);
  });
  it("null when case heterogeneity alone caps the power below target (0.2907 at ∞ epochs)", () => {
    expect(
      moreEpochsNeeded({ delta: 0.02, sdCase: 0.2, sdEpoch: 0.3, cases: 200, epochs: 3 }),
    ).toBeNull();
  });
  it("0 more when already powered; refuses bad counts", () => {
    expect(
      moreEpochsNeeded({ delta: 0.5, sdCase: 0.1, sdEpoch: 0.1, cases: 200, epochs: 3 })
        ?.moreEpochs,
    ).toBe(0);
    expect(() =>
      moreEpochsNeeded({ delta: 0.1, sdCase: 0.1, sdEpoch: 0.1, cases: 1, epochs: 3 }),
    ).toThrow(StatsInputError);
  });
});

describe("bootstrap p-value (percentile inversion)", () => {
  it("is 2/(B+1) when every resample is on one side of 0, and 1 when all are 0", () => {
    const x = [0.6, 0.7, 0.8];
    const y = [0.5, 0.6, 0.7]; // every difference is 0.1
    expect(bootstrapPairedDiff(x, y, { resamples: 999 }).pValue).toBeCloseTo(2 / 1000, 12);
    expect(bootstrapPairedDiff(x, x, { resamples: 999 }).pValue).toBe(1);
  });
});

describe("Rogan–Gladen correction (Rogan & Gladen 1978, by hand)", () => {
  it("true prevalence = (obs + Sp − 1) / (Se + Sp − 1)", () => {
    // Se 0.9, Sp 0.8, J 0.7: 0.5 → 0.3 / 0.7; 0.57 → 0.37 / 0.7.
    close(roganGladen(0.5, 0.9, 0.8), 0.3 / 0.7, 1e-12);
    close(roganGladen(0.57, 0.9, 0.8), 0.37 / 0.7, 1e-12);
    expect(roganGladen(0.1, 0.9, 0.8)).toBe(0); // below the false-positive floor: clamped
  });
  it("difference = observed / J, interval widened by the delta method for sd(J)", () => {
    // Hand: Se ~ Beta(46, 6), Sp ~ Beta(33, 9); Var = ab/((a+b)²(a+b+1)) each;
    // sd(J) = 0.0764289718; Δ = 0.07/0.7 = 0.1; halves 0.06/0.7; extra = 1.959964·0.1·sdJ/0.7;
    // bounds 0.1 ∓ hypot(0.06/0.7, extra) = [0.0116547299, 0.1883452701].
    const r = correctedDifference(
      { estimate: 0.07, ci: { lower: 0.01, upper: 0.13, level: 0.95 } },
      { sensitivity: 0.9, specificity: 0.8, positives: 50, negatives: 40 },
    );
    close(r.estimate, 0.1, 1e-12);
    close(r.youdenSd, 0.0764289718, 1e-9);
    close(r.ci.lower, 0.0116547299, 1e-9);
    close(r.ci.upper, 0.1883452701, 1e-9);
  });
  it("refuses a judge no better than chance", () => {
    expect(() => roganGladen(0.5, 0.5, 0.5)).toThrow(StatsInputError);
  });
});

describe("PairedConfidenceSequence (Waudby-Smith & Ramdas 2023, PrPl-EB)", () => {
  it("matches the paper's formulas transcribed by hand (Python, below)", () => {
    // def prpl(xs, alpha): L = log(2/alpha); mu_prev = .5; ss = 0; ...
    //   sig2 = (.25 + ss)/t; lam = min(sqrt(2L/(sig2 t log(1+t))), .5)
    //   v = 4(x − mu_prev)²; psi = (−log(1−lam) − lam)/4; mu = (.5 + Σx)/(t+1); ss += (x − mu)²
    //   C = Σlam x/Σlam ± (L + Σ v psi)/Σlam, intersected over t and with [0, 1]
    // xs = [0.75 if i % 4 == 0 else 0.5 for i in range(400)] on [0, 1], α = 0.05:
    // [0.5397433862270269, 0.5855660633291725].
    const xs = Array.from({ length: 400 }, (_, i) => (i % 4 === 0 ? 0.75 : 0.5));
    const cs = new PairedConfidenceSequence(0.05, [0, 1]).add(xs);
    close(cs.interval().lower, 0.5397433862270269, 1e-12);
    close(cs.interval().upper, 0.5855660633291725, 1e-12);
    // The same stream as differences on [−1, 1] (d = 2x − 1): [0.0794867725, 0.1711321267].
    const ds = new PairedConfidenceSequence(0.05).add(xs.map((x) => 2 * x - 1));
    close(ds.interval().lower, 0.07948677245405378, 1e-12);
    close(ds.interval().upper, 0.17113212665834499, 1e-12);
    // Another level is recomputed, not read from the incremental state.
    expect(ds.interval(0.01).lower).toBeLessThan(ds.interval().lower);
    expect(ds.pValue(0)).toBeLessThan(0.05);
    expect(ds.pValue(0.125)).toBe(1);
  });

  it("covers the mean at every look: crossing rate ≤ α with a binomial margin", () => {
    // 2,000 streams of 300 per-case differences in [−1, 1] with mean 0 (the A/A null:
    // champion and challenger pass Bernoulli(p_case), p_case ~ U(0, 1)). A stream "crosses"
    // when 0 leaves the interval at ANY of its 300 looks. With a true rate ≤ 0.05, the
    // crossing count exceeds 0.05·2000 + 3·sqrt(2000·0.05·0.95) = 129 with prob < 0.002.
    const rng = createRng(20260419);
    const runs = 2000;
    let crossings = 0;
    for (let r = 0; r < runs; r++) {
      const cs = new PairedConfidenceSequence(0.05);
      for (let t = 0; t < 300; t++) {
        const p = rng.next();
        const d = (rng.next() < p ? 1 : 0) - (rng.next() < p ? 1 : 0);
        cs.add([d]);
        const ci = cs.interval();
        if (ci.lower > 0 || ci.upper < 0) {
          crossings++;
          break;
        }
      }
    }
    expect(crossings).toBeLessThanOrEqual(129);
    // Also informative: a fixed-n z interval looked at after every observation crosses far
    // more often (the reason the gate needs a sequence); not asserted, it is the motivation.
  });

  it("shrinks around a real effect and refuses values out of bounds", () => {
    const cs = new PairedConfidenceSequence(0.05);
    const rng = createRng(7);
    for (let t = 0; t < 3000; t++) cs.add([rng.next() < 0.6 ? 1 : rng.next() < 0.5 ? 0 : -1]);
    // E[d] = 0.6 − 0.2 = 0.4
    const ci = cs.interval();
    expect(ci.lower).toBeGreaterThan(0.3);
    expect(ci.upper).toBeLessThan(0.5);
    expect(() => cs.add([1.5])).toThrow(StatsInputError);
    expect(() => new PairedConfidenceSequence(0.05, [1, 0])).toThrow(StatsInputError);
  });
});
