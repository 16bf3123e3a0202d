import { describe, expect, it } from "vitest";
import { bcaFromResamples, twoSampleAcceleration } from "./bootstrap-two.js";
import { bootstrapMeanDiff } from "./index.js";

// Two skewed samples of unequal sizes: numpy.random.default_rng(20261206).lognormal(0, 0.6, 25)
// and .lognormal(0.3, 0.4, 18), rounded to 3 decimals.
const X = [
  0.382, 1.141, 1.311, 0.885, 1.144, 2.157, 1.285, 0.402, 0.851, 0.381, 0.274, 0.449, 1.153, 1.302,
  4.288, 4.647, 1.639, 2.538, 0.695, 0.527, 1.044, 1.03, 1.855, 2.609, 0.99,
];
const Y = [
  1.608, 1.447, 2.621, 0.607, 2.018, 1.586, 0.688, 1.361, 1.456, 0.75, 1.642, 1.501, 1.052, 2.158,
  1.815, 1.605, 0.735, 1.321,
];

/**
 * Deterministic BCa references, computed in Python 3 (NumPy, SciPy 1.17) on fixed data and a
 * fixed set of "resampled" differences:
 * - acceleration by the textbook jackknife (Efron & Tibshirani 1993, eq. 15.36, one jackknife
 *   per sample): U = (n−1)(θ̄ − θ₍ᵢ₎), a = Σ U³/n³ ⁄ (6 (Σ U²/n²)^1.5); equal to the a_hat of
 *   scipy.stats._resampling._bca_interval on the same data;
 * - z0 = norm.ppf((#{t < θ̂} + #{t ≤ θ̂}) / 2B), α_i = Φ(z0 + (z0 + z_i)/(1 − a(z0 + z_i))),
 *   equal to _bca_interval's alpha_1, alpha_2; bounds = numpy.percentile(t, 100 α_i).
 */
const FIXED = {
  estimate: -0.04367333333333323,
  acceleration: 0.035956463624270345,
  z0: -0.4084724819741238,
  alphas: [0.004784316012263114, 0.8915260106260778] as [number, number],
  lower: -0.5340795171180734,
  upper: 0.36654430020792683,
  resamples: [
    0.1151, 0.1509, 0.1256, -0.04, -0.36, -0.053, 0.0613, -0.222, 0.1028, -0.0736, -0.1238, -0.009,
    0.4602, -0.0386, 0.3572, 0.1229, -0.0556, -0.1074, 0.2221, 0.0337, 0.3258, 0.0759, 0.1275,
    -0.1226, 0.4171, 0.1232, -0.4254, 0.2672, 0.2103, 0.36, -0.0828, 0.1764, 0.5443, 0.6265, 0.3699,
    0.1048, 0.2407, -0.5598, -0.1629, -0.1757, -0.2486,
  ],
};

const sorted = (v: number[]) => Float64Array.from(v).sort();
const close = (a: number, e: number, tol = 1e-12) =>
  expect(Math.abs(a - e)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e)));

describe("two-sample bootstrap of a difference of means", () => {
  it("acceleration (jackknife over both samples) and z0 match the textbook formulas", () => {
    close(twoSampleAcceleration(Float64Array.from(X), Float64Array.from(Y)), FIXED.acceleration);
    const r = bcaFromResamples(sorted(FIXED.resamples), FIXED.estimate, FIXED.acceleration, 0.95);
    close(r.z0, FIXED.z0);
    close(r.alphas[0], FIXED.alphas[0]);
    close(r.alphas[1], FIXED.alphas[1]);
    close(r.interval.lower, FIXED.lower);
    close(r.interval.upper, FIXED.upper);
  });

  it("resamples equal to the estimate count half (SciPy), here with 0/1 scores at 90%", () => {
    // x = [0,1,1,0,1], y = [1,0,0]; the same Python computation: a_hat, z0, alpha_1, alpha_2.
    const x = Float64Array.from([0, 1, 1, 0, 1]);
    const y = Float64Array.from([1, 0, 0]);
    const est = 0.6 - 1 / 3;
    close(twoSampleAcceleration(x, y), -0.039664227649012486);
    const t = [
      est,
      est,
      est,
      0.2,
      -0.1,
      0.5,
      -0.3,
      est,
      0.1,
      0.6,
      -0.5,
      0.4,
      est,
      0.05,
      0.3,
      0.9,
      -0.2,
      0.25,
      0.35,
      0.7,
    ];
    const r = bcaFromResamples(sorted(t), est, -0.039664227649012486, 0.9);
    close(r.z0, 0.06270677794321385);
    close(r.alphas[0], 0.05204133710438414);
    close(r.alphas[1], 0.9517387816388163);
    close(r.interval.lower, -0.3022429190033402);
    close(r.interval.upper, 0.7166073702275013);
  });

  it("intervals agree with scipy.stats.bootstrap at 200,000 resamples", () => {
    // scipy.stats.bootstrap((X, Y), lambda x, y, axis: x.mean(axis) - y.mean(axis),
    //   n_resamples=200_000, method=m, rng=numpy.random.default_rng(1), vectorized=True)
    const scipy = {
      percentile: [-0.5129289444444445, 0.47471338888888887],
      basic: [-0.5620600555555553, 0.425582277777778],
      bca: [-0.4663152971852408, 0.542173525869121],
      se: 0.25178341858858216,
    };
    const r = bootstrapMeanDiff(X, Y, { resamples: 200_000, seed: 11 });
    expect(r).toMatchObject({ nX: 25, nY: 18, n: 43, resamples: 200_000 });
    close(r.estimate, FIXED.estimate);
    close(r.acceleration, FIXED.acceleration);
    // Two independent Monte Carlo runs. A 2.5% quantile of B = 200,000 draws has standard
    // error √(p(1−p)/B) / f(q) ≈ 3.5e-4 / (φ(1.96)/se) ≈ 0.006·se for a near-normal
    // distribution, so the two runs differ by about 0.0085·se (sd); BCa adds the Monte Carlo
    // error of z0 (≈ 0.003), which moves its levels by well under that. 0.05·se is ~6 sd,
    // while a formula error is larger (checked in Python on these data: the acceleration's
    // sign flipped moves the BCa bounds by ~0.25·se, the acceleration left out by ~0.1·se).
    const tol = 0.05 * scipy.se;
    for (const m of ["percentile", "basic", "bca"] as const) {
      expect(Math.abs(r[m].lower - scipy[m][0]!), `${m} lower`).toBeLessThan(tol);
      expect(Math.abs(r[m].upper - scipy[m][1]!), `${m} upper`).toBeLessThan(tol);
    }
    expect(Math.abs(r.stderr - scipy.se)).toBeLessThan(0.01 * scipy.se);
  });

  it("is reproducible from its seed and refuses short samples", () => {
    const a = bootstrapMeanDiff(X, Y, { resamples: 2000, seed: 3 });
    const b = bootstrapMeanDiff(X, Y, { resamples: 2000, seed: 3 });
    expect(a.bca).toEqual(b.bca);
    expect(() => bootstrapMeanDiff([1], Y)).toThrow(/at least 2/);
  });
});
