/**
 * Cross-checks against independent brute-force computations, reproducibility, and the
 * behaviour on bad or degenerate input (each either a StatsInputError or a documented value).
 */
import { describe, expect, it } from "vitest";
import { createRng } from "../core/index.js";
import {
  accuracy,
  binomialTest,
  bootstrapMean,
  bootstrapPairedDiff,
  cohensD,
  cohensKappa,
  comparePaired,
  confusionMatrix,
  flakiness,
  hedgesG,
  holm,
  mannWhitneyU,
  mcnemar,
  meanPassHatK,
  moreCasesNeeded,
  oneSampleTTest,
  onewayAnova,
  pairedPower,
  pairedSampleSize,
  pairedTTest,
  passAtK,
  passHatK,
  perLabelScores,
  propTest,
  pwilcox,
  quantile,
  quantiles,
  riskDifference,
  StatsInputError,
  StreamingPercentiles,
  signFlipTest,
  studentTTest,
  welchAnova,
  welchTTest,
  wilcoxonSignedRank,
  wilson,
} from "./index.js";

const rng = createRng(12345);
const normal = () => {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
};

function choose(n: bigint, k: bigint): bigint {
  let r = 1n;
  for (let i = 1n; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

describe("cross-checks by brute force", () => {
  it("signed-rank exact p equals full enumeration of sign patterns", () => {
    const d = [1.5, -0.3, 2.2, 0.7, -1.1, 3.4, 0.2, -2.9];
    const r = wilcoxonSignedRank(d, undefined, { alternative: "greater" });
    const ranks = d.map(
      (v) =>
        [...d]
          .map(Math.abs)
          .sort((a, b) => a - b)
          .indexOf(Math.abs(v)) + 1,
    );
    let ge = 0;
    for (let m = 0; m < 256; m++) {
      let v = 0;
      for (let i = 0; i < 8; i++) if (m & (1 << i)) v += ranks[i]!;
      if (v >= r.statistic) ge++;
    }
    expect(r.pValue).toBeCloseTo(ge / 256, 12);
  });

  it("pwilcox equals counting all subsets", () => {
    const m = 4;
    const n = 5;
    const counts = new Array(m * n + 1).fill(0);
    for (let mask = 0; mask < 1 << (m + n); mask++) {
      let bits = 0;
      let sum = 0;
      for (let j = 0; j < m + n; j++) {
        if (mask & (1 << j)) {
          bits++;
          sum += j + 1;
        }
      }
      if (bits === m) counts[sum - (m * (m + 1)) / 2]++;
    }
    const total = counts.reduce((a, b) => a + b, 0);
    let cum = 0;
    for (let u = 0; u <= m * n; u++) {
      cum += counts[u];
      expect(pwilcox(u, m, n)).toBeCloseTo(cum / total, 12);
    }
  });

  it("pass@k and pass^k equal BigInt binomial ratios for large n", () => {
    for (const [n, c, k] of [
      [200, 50, 100],
      [100, 97, 10],
      [60, 30, 7],
    ] as const) {
      const N = BigInt(n);
      const ratio = (a: bigint, b: bigint) => Number((a * 10n ** 30n) / b) / 1e30;
      expect(passAtK(n, c, k)).toBeCloseTo(
        1 - ratio(choose(N - BigInt(c), BigInt(k)), choose(N, BigInt(k))),
        12,
      );
      expect(passHatK(n, c, k)).toBeCloseTo(
        ratio(choose(BigInt(c), BigInt(k)), choose(N, BigInt(k))),
        12,
      );
    }
  });

  it("McNemar exact equals the binomial test with p = 1/2", () => {
    for (const [b, c] of [
      [3, 11],
      [20, 20],
      [0, 7],
    ] as const) {
      expect(mcnemar(b, c).pValue).toBeCloseTo(binomialTest(b, b + c).pValue, 12);
    }
  });

  it("Welch ANOVA with 3 groups reduces to classic ANOVA's F when n and variances are equal", () => {
    const g = [
      [1, 2, 3, 4],
      [2, 3, 4, 5],
      [4, 5, 6, 7],
    ];
    // With equal n and s^2 the Welch numerator is the classic F; the denominator factor differs.
    const w = welchAnova(g);
    const c = onewayAnova(g);
    const k = 3;
    const tmp = 1 / (3 * w.df[1]);
    expect(w.statistic * (1 + 2 * (k - 2) * tmp)).toBeCloseTo(c.statistic, 10);
    expect(w.pValue).toBeGreaterThan(0);
    expect(w.pValue).toBeLessThan(1);
  });

  it("streaming percentiles stay within the stated bound of exact type-1 quantiles (100,000 values)", () => {
    const s = new StreamingPercentiles();
    const xs = new Float64Array(100_000);
    for (let i = 0; i < xs.length; i++) {
      xs[i] = Math.exp(5 + normal()); // log-normal latencies around 150 ms
      s.record(xs[i]!);
    }
    for (const p of [50, 95, 99, 99.9]) {
      const exact = quantile(xs, p / 100, { type: 1 });
      expect(Math.abs(s.percentile(p) - exact)).toBeLessThanOrEqual(0.001 * exact + 0.001);
    }
    expect(s.count).toBe(100_000);
  });
});

describe("resampling", () => {
  const a = Array.from({ length: 40 }, () => 0.6 + 0.2 * normal());
  const b = a.map((v) => v + 0.05 + 0.1 * normal());

  it("bootstrap is reproducible for a seed and changes with the seed", () => {
    const r1 = bootstrapPairedDiff(b, a, { seed: 7, resamples: 2000 });
    const r2 = bootstrapPairedDiff(b, a, { seed: 7, resamples: 2000 });
    const r3 = bootstrapPairedDiff(b, a, { seed: 8, resamples: 2000 });
    expect(r1).toEqual(r2);
    expect(r3.bca).not.toEqual(r1.bca);
    expect(r1.percentile.lower).toBeLessThan(r1.estimate);
    expect(r1.bca.upper).toBeGreaterThan(r1.estimate);
  });

  it("paired bootstrap of (x, y) equals the one-sample bootstrap of x - y", () => {
    const d = b.map((v, i) => v - a[i]!);
    const p = bootstrapPairedDiff(b, a, { seed: 3, resamples: 1000, key: "k" });
    const m = bootstrapMean(d, { seed: 3, resamples: 1000, key: "k" });
    expect(p.estimate).toBeCloseTo(m.estimate, 14);
    expect(p.stderr).toBeGreaterThan(0);
  });

  it("constant data give a zero-width interval, never NaN", () => {
    const r = bootstrapMean([2, 2, 2, 2], { resamples: 500 });
    for (const iv of [r.percentile, r.basic, r.bca]) expect([iv.lower, iv.upper]).toEqual([2, 2]);
  });

  it("sign-flip test: exact p for a constant positive difference is 2 / 2^n", () => {
    const r = signFlipTest([2, 2, 2, 2, 2, 2], [1, 1, 1, 1, 1, 1]);
    expect(r.method).toBe("exact");
    expect(r.pValue).toBeCloseTo(2 / 64, 14);
    const mc = signFlipTest(b, a, { seed: 1, resamples: 2000 });
    expect(mc.method).toBe("monte_carlo");
    expect(mc.pValue).toBeGreaterThan(0);
    expect(signFlipTest([1, 2], [1, 2]).pValue).toBe(1);
  });
});

describe("one-sided alternatives", () => {
  const x = [5.1, 4.9, 5.6, 5.8, 6.0, 5.3];
  it("t-test tails add up and intervals are half-open", () => {
    const less = oneSampleTTest(x, { mu: 5, alternative: "less" });
    const greater = oneSampleTTest(x, { mu: 5, alternative: "greater" });
    const two = oneSampleTTest(x, { mu: 5 });
    expect(less.pValue + greater.pValue).toBeCloseTo(1, 12);
    expect(two.pValue).toBeCloseTo(2 * Math.min(less.pValue, greater.pValue), 12);
    expect(less.ci.lower).toBe(-Infinity);
    expect(greater.ci.upper).toBe(Infinity);
    expect(greater.ci.lower).toBeGreaterThan(two.ci.lower);
  });
  it("confLevel changes the interval width", () => {
    const w90 = welchTTest(x, [4, 5, 4.5, 5.2], { confLevel: 0.9 }).ci;
    const w99 = welchTTest(x, [4, 5, 4.5, 5.2], { confLevel: 0.99 }).ci;
    expect(w99.upper - w99.lower).toBeGreaterThan(w90.upper - w90.lower);
  });
});

describe("agreement and agent metrics", () => {
  it("confusion matrix, accuracy and per-label scores", () => {
    const truth = ["a", "a", "b", "b", "c"];
    const pred = ["a", "b", "b", "b", "a"];
    const cm = confusionMatrix(truth, pred);
    expect(cm.labels).toEqual(["a", "b", "c"]);
    expect(cm.matrix).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 0],
    ]);
    expect(accuracy(truth, pred)).toBeCloseTo(0.6, 12);
    const s = perLabelScores(truth, pred);
    expect(s.labels[1]).toMatchObject({ label: "b", precision: 2 / 3, recall: 1, support: 2 });
    expect(s.labels[2]).toMatchObject({ label: "c", precision: 0, recall: 0, f1: 0 });
  });
  it("perfect agreement gives kappa 1", () => {
    expect(cohensKappa([1, 2, 3, 1], [1, 2, 3, 1]).kappa).toBeCloseTo(1, 12);
  });
  it("flakiness counts flips in order", () => {
    expect(flakiness([true, false, true, true])).toMatchObject({
      flips: 2,
      flipRate: 2 / 3,
      flaky: true,
      passRate: 0.75,
    });
    expect(flakiness([true])).toMatchObject({ flips: 0, flipRate: 0, flaky: false });
    expect(
      meanPassHatK(
        [
          { n: 4, c: 4 },
          { n: 4, c: 2 },
        ],
        2,
      ),
    ).toBeCloseTo((1 + 1 / 6) / 2, 12);
  });
  it("effect sizes", () => {
    // means 2 and 4, both variances 1: d = -2; Hedges J = 1 - 3 / (4 * 4 - 1).
    expect(cohensD([1, 2, 3], [3, 4, 5])).toBeCloseTo(-2, 12);
    expect(hedgesG([1, 2, 3], [3, 4, 5])).toBeCloseTo(-2 * (1 - 3 / 15), 12);
    const rd = riskDifference(30, 50, 20, 50);
    expect(rd.estimate).toBeCloseTo(0.2, 12);
    expect(rd.ci.lower).toBeLessThan(0.2);
    expect(rd.ci.upper).toBeGreaterThan(0.2);
  });
});

describe("power", () => {
  it("more epochs shrink the noise and raise power", () => {
    const base = { delta: 0.05, sdCase: 0.1, sdEpoch: 0.3 };
    expect(pairedPower(30, { ...base, epochs: 5 })).toBeGreaterThan(
      pairedPower(30, { ...base, epochs: 1 }),
    );
  });
  it("sample size inverts power", () => {
    const n = pairedSampleSize({ effectSize: 0.5, power: 0.8 });
    expect(pairedPower(n.exact, { effectSize: 0.5 })).toBeCloseTo(0.8, 6);
    expect(pairedPower(n.n - 1, { effectSize: 0.5 })).toBeLessThan(0.8);
  });
  it("moreCasesNeeded is null without a basis", () => {
    expect(moreCasesNeeded([0.1, 0.1, 0.1])).toBeNull();
    // An observed effect of 1e-6 SD: no feasible run detects it, which is no basis either.
    expect(moreCasesNeeded([1, -1, 1, -1, 1e-5, 0])).toBeNull();
    expect(moreCasesNeeded([0.1, -0.05, 0.02, 0.0])?.moreCases).toBeGreaterThan(0);
  });
});

describe("comparePaired", () => {
  const n = 60;
  const accA = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : 1));
  const accB = accA.map((v, i) => (i % 3 === 0 && i % 2 === 0 ? 1 : v));
  const latA = Array.from({ length: n }, () => 1000 + 100 * normal());
  const latB = latA.map((v) => v + 20 * normal());
  const res = comparePaired(
    [
      {
        name: "accuracy",
        a: accA,
        b: accB,
        passA: accA.map((v) => v === 1),
        passB: accB.map((v) => v === 1),
      },
      { name: "latency", a: latA, b: latB, higherIsBetter: false },
    ],
    { seed: 1, resamples: 2000 },
  );
  it("reports per dimension and a sentence", () => {
    const acc = res.dimensions[0]!;
    expect(acc.delta).toBeCloseTo(10 / 60, 12);
    expect(acc.mcnemar).toEqual({ b01: 10, b10: 0, pValue: 2 * 0.5 ** 10 });
    expect(acc.verdict).toBe("b_better");
    expect(res.summary).toMatch(/^b is better on accuracy \(p [<=] [0-9.]+\)/);
    expect(res.summary).toMatch(/no difference on latency$/);
    expect(acc.pAdjusted).toBeGreaterThanOrEqual(acc.test.pValue);
    expect(holm(res.dimensions.map((d) => d.test.pValue))).toEqual(
      res.dimensions.map((d) => d.pAdjusted),
    );
    expect(JSON.parse(JSON.stringify(res)).dimensions).toHaveLength(2);
  });
  it("is seeded and supports the Wilcoxon test", () => {
    const again = comparePaired([{ name: "latency", a: latA, b: latB }], {
      seed: 1,
      resamples: 2000,
      test: "wilcoxon",
    });
    expect(again.dimensions[0]!.test.name).toBe("wilcoxon_signed_rank");
  });
  it("handles identical and constant-shift dimensions without NaN", () => {
    const r = comparePaired([
      { name: "same", a: [1, 1, 0, 1], b: [1, 1, 0, 1] },
      { name: "shift", a: [1, 2, 3, 4, 5, 6, 7, 8], b: [2, 3, 4, 5, 6, 7, 8, 9] },
    ]);
    expect(r.dimensions[0]!.test.pValue).toBe(1);
    expect(r.dimensions[1]!.test.name).toBe("sign_flip_permutation");
    for (const d of r.dimensions) {
      for (const v of [
        d.delta,
        d.ci.lower,
        d.ci.upper,
        d.test.statistic,
        d.test.pValue,
        d.pAdjusted,
      ]) {
        expect(Number.isFinite(v)).toBe(true);
      }
    }
    expect(r.dimensions[1]!.verdict).toBe("b_better");
  });
  it("gives the paired t interval without resampling when asked for ci t", () => {
    // R: t.test(c(1, 2, 3, 4, 5))$conf.int is 1.036757 4.963243.
    const r = comparePaired(
      [
        { name: "x", a: [0, 0, 0, 0, 0], b: [1, 2, 3, 4, 5] },
        { name: "shift", a: [1, 2, 3], b: [3, 4, 5] },
      ],
      { ci: "t" },
    );
    const x = r.dimensions[0]!;
    expect(x.ci.lower).toBeCloseTo(1.036757, 6);
    expect(x.ci.upper).toBeCloseTo(4.963243, 6);
    expect(x.ci).toMatchObject({ method: "t", resamples: 0 });
    // Every pair 2 apart: the interval is that difference.
    expect(r.dimensions[1]!.ci).toMatchObject({ lower: 2, upper: 2 });
  });
});

describe("bad input", () => {
  const bad = (f: () => unknown, msg: RegExp) => {
    expect(f).toThrow(StatsInputError);
    expect(f).toThrow(msg);
  };
  it("empty samples and n = 1", () => {
    bad(() => oneSampleTTest([]), /at least 2/);
    bad(() => oneSampleTTest([1]), /at least 2/);
    bad(() => welchTTest([1, 2], [3]), /at least 2/);
    bad(() => studentTTest([1], [2]), /at least 3/);
    bad(() => bootstrapMean([1]), /at least 2/);
    bad(() => wilcoxonSignedRank([]), /at least 1/);
    bad(() => mannWhitneyU([], [1]), /at least 1/);
    bad(() => quantiles([], [0.5]), /at least 1/);
    bad(() => flakiness([]), /at least one/);
    bad(() => comparePaired([]), /at least one/);
    bad(() => welchAnova([[1, 2, 3]]), /at least 2 groups/);
  });
  it("NaN and infinite values", () => {
    bad(() => pairedTTest([1, Number.NaN, 3], [1, 2, 3]), /x\[1\].*finite/);
    bad(() => welchTTest([1, 2, 3], [1, Infinity]), /y\[1\].*finite/);
    bad(() => quantile([1, 2], Number.NaN), /\[0, 1\]/);
    bad(() => new StreamingPercentiles().record(-1), />= 0/);
    bad(() => holm([0.1, Number.NaN]), /\[0, 1\]/);
    bad(() => cohensKappa([1, Number.NaN], [1, 2]), /finite/);
  });
  it("mismatched lengths for paired data", () => {
    bad(() => pairedTTest([1, 2, 3], [1, 2]), /equal lengths/);
    bad(() => wilcoxonSignedRank([1, 2, 3], [1, 2]), /equal lengths/);
    bad(() => bootstrapPairedDiff([1, 2, 3], [1, 2]), /equal lengths/);
    bad(() => signFlipTest([1, 2, 3], [1, 2]), /equal lengths/);
    bad(() => cohensKappa([1, 2], [1]), /equal lengths/);
    bad(
      () =>
        comparePaired([{ name: "x", a: [1, 2, 3], b: [1, 2, 3], passA: [true], passB: [true] }]),
      /one entry per pair/,
    );
  });
  it("zero variance", () => {
    bad(() => oneSampleTTest([3, 3, 3]), /constant/);
    bad(() => pairedTTest([1, 2, 3], [0, 1, 2]), /constant/);
    bad(() => welchTTest([1, 1], [2, 2]), /constant/);
    bad(
      () =>
        welchAnova([
          [1, 1],
          [1, 2],
        ]),
      /zero variance/,
    );
    bad(
      () =>
        onewayAnova([
          [1, 1],
          [2, 2],
        ]),
      /zero variance/,
    );
    bad(() => cohensD([1, 1], [2, 2]), /zero variance/);
  });
  it("all ties and all zeros give documented values", () => {
    expect(wilcoxonSignedRank([1, 2, 3], [1, 2, 3])).toMatchObject({
      statistic: 0,
      pValue: 1,
      zeros: 3,
    });
    const tied = wilcoxonSignedRank([2, 2, 2, 2]);
    expect(tied.method).toBe("normal");
    expect(Number.isFinite(tied.pValue)).toBe(true);
    expect(mannWhitneyU([5, 5, 5], [5, 5])).toMatchObject({
      statistic: 3,
      pValue: 1,
      method: "normal",
    });
    expect(mcnemar(0, 0)).toMatchObject({ pValue: 1 });
    expect(mcnemar(0, 0, "chisq-cc")).toMatchObject({ statistic: 0, pValue: 1 });
    bad(() => cohensKappa(["x", "x"], ["x", "x"]), /undefined/);
  });
  it("k > n and impossible counts", () => {
    bad(() => passAtK(3, 1, 4), /cannot exceed/);
    bad(() => passHatK(3, 4, 1), /cannot exceed/);
    bad(() => passAtK(3, 1, 0), />= 1/);
    bad(() => binomialTest(11, 10), /cannot exceed/);
    bad(() => wilson(1, 0), /trials/);
    bad(() => propTest(1, 2, { p: 1 }), /strictly between/);
    bad(() => mcnemar(-1, 2), /integer >= 0/);
    bad(() => mcnemar(1.5, 2), /integer >= 0/);
  });
  it("bad options", () => {
    // Deliberately wrong option values, as an untyped caller (the CLI) might pass them.
    bad(() => oneSampleTTest([1, 2, 3], { alternative: "up" as "less" }), /alternative/);
    bad(() => oneSampleTTest([1, 2, 3], { confLevel: 1.5 }), /confLevel/);
    bad(() => quantile([1, 2, 3], 0.5, { type: 10 as 1 }), /type/);
    bad(() => pairedSampleSize({ effectSize: 0 }), /effectSize/);
    bad(() => pairedPower(1, { effectSize: 0.5 }), />= 2/);
  });
});
