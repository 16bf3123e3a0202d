/**
 * Extra reference values, each from a published source named beside it (never from this
 * module's own output), plus values that follow by hand from a stated definition.
 */
import { describe, expect, it } from "vitest";
import {
  benjaminiHochberg,
  clopperPearson,
  cohensKappa,
  holm,
  kappaFromMatrix,
  onewayAnova,
  passAtK,
  passHatK,
  quantile,
  twoSamplePower,
  twoSampleSize,
} from "./index.js";

const close = (a: number, e: number, rtol: number, atol = 0) =>
  expect(Math.abs(a - e)).toBeLessThanOrEqual(rtol * Math.abs(e) + atol);

describe("Cohen's kappa, SAS output quoted in statsmodels' test_inter_rater.py", () => {
  // table10 = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]; values printed to 4 decimals (decimal=4).
  const table = [
    [0, 4, 1],
    [0, 8, 0],
    [0, 1, 5],
  ];
  it("unweighted: kappa, ASE, CI, ASE under H0, Z, p", () => {
    const r = kappaFromMatrix(table);
    for (const [a, e] of [
      [r.kappa, 0.4842],
      [r.se, 0.138],
      [r.ci.lower, 0.2137],
      [r.ci.upper, 0.7547],
      [r.se0, 0.1484],
      [r.z, 3.2626],
      [r.pValue, 0.0011],
    ] as const)
      close(a, e, 0, 1.5e-4);
  });
  it("linear weights (disagreement 0, 1, 2)", () => {
    const r = kappaFromMatrix(table, "linear");
    for (const [a, e] of [
      [r.kappa, 0.4701],
      [r.se, 0.1457],
      [r.ci.lower, 0.1845],
      [r.ci.upper, 0.7558],
      [r.se0, 0.1426],
      [r.z, 3.2971],
      [r.pValue, 0.001],
    ] as const)
      close(a, e, 0, 1.5e-4);
  });
});

describe("Cohen's kappa, R irr::kappa2 on the anxiety data (statsmodels test_cohens_kappa_irr)", () => {
  // anxiety[, 2:3]; irr uses the categories present (1, 2, 3, 4, 6) in order.
  const r2 = [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4];
  const r3 = [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2];
  const cases = [
    ["none", -0.006289308, -0.0604067, 0.9518317],
    ["linear", 0.1459075, 1.282472, 0.1996772],
    ["quadratic", 0.2520325, 1.437451, 0.1505898],
  ] as const;
  for (const [weights, kappa, z, p] of cases) {
    it(`${weights} weights`, () => {
      const r = cohensKappa(r2, r3, { weights });
      close(r.kappa, kappa, 1e-6);
      close(r.z, z, 1e-5);
      close(r.pValue, p, 1e-6);
    });
  }
});

describe("power, R power.t.test documentation examples (noncentral t)", () => {
  // R counts one rejection region (strict = FALSE); the other adds < 1e-6 here.
  it("power.t.test(n = 20, delta = 1): power = 0.8689528", () => {
    close(twoSamplePower(20, 1), 0.8689528, 1e-5);
  });
  it("power.t.test(power = .90, delta = 1): n = 22.02110", () => {
    const r = twoSampleSize(1, { power: 0.9 });
    close(r.exact, 22.0211, 1e-4); // uniroot's tolerance bounds R's own digits
    expect(r.n).toBe(23);
  });
  it("power.t.test(power = .90, delta = 1, alternative = 'one.sided'): n = 17.84713", () => {
    close(twoSampleSize(1, { power: 0.9, alternative: "greater" }).exact, 17.84713, 1e-4);
  });
});

describe("values that follow by hand from the definitions", () => {
  it("quantile types 1, 6, 7 on 1..10 at p = 0.1 (Hyndman & Fan 1996)", () => {
    const x = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    expect(quantile(x, 0.1, { type: 1 })).toBe(1); // x_(ceil(np)) = x_(1)
    close(quantile(x, 0.1, { type: 6 }), 1.1, 1e-12); // p(n + 1) = 1.1
    close(quantile(x, 0.1, { type: 7 }), 1.9, 1e-12); // 1 + p(n - 1) = 1.9
    close(quantile(x, 0.5, { type: 7 }), 5.5, 1e-12);
    expect(quantile(x, 0.5, { type: 1 })).toBe(5); // np = 5 exactly: x_(5)
    expect(quantile(x, 0.5, { type: 2 })).toBe(5.5); // averaged at discontinuities
    expect(quantile(x, 0.5, { type: 3 })).toBe(5); // nearest even order statistic
  });
  it("pass@k and pass^k on n = 5, c = 2", () => {
    close(passAtK(5, 2, 1), 0.4, 1e-12);
    close(passAtK(5, 2, 2), 1 - 3 / 10, 1e-12); // 1 - C(3,2)/C(5,2)
    expect(passAtK(5, 2, 4)).toBe(1); // n - c < k
    close(passHatK(5, 2, 2), 1 / 10, 1e-12); // C(2,2)/C(5,2)
    expect(passHatK(5, 2, 3)).toBe(0);
  });
  it("Holm and BH on 0.01..0.05 (R p.adjust arithmetic)", () => {
    const h = holm([0.05, 0.01, 0.04, 0.02, 0.03]);
    for (const [i, e] of [0.09, 0.05, 0.09, 0.08, 0.09].entries()) close(h[i]!, e, 1e-12);
    for (const v of benjaminiHochberg([0.05, 0.01, 0.04, 0.02, 0.03])) close(v, 0.05, 1e-12);
    const bh = benjaminiHochberg([0.001, 0.5, 0.04]);
    for (const [i, e] of [0.003, 0.5, 0.06].entries()) close(bh[i]!, e, 1e-12);
  });
  it("Clopper-Pearson at x = 0 and x = n has the closed form (alpha/2)^(1/n)", () => {
    const r0 = clopperPearson(0, 10);
    expect(r0.lower).toBe(0);
    close(r0.upper, 1 - 0.025 ** (1 / 10), 1e-9);
    const rn = clopperPearson(10, 10);
    close(rn.lower, 0.025 ** (1 / 10), 1e-9);
    expect(rn.upper).toBe(1);
  });
  it("one-way ANOVA on [1,2,3], [4,5,6], [7,8,9]: SSB = 54, SSW = 6, F = 27", () => {
    const r = onewayAnova([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    close(r.statistic, 27, 1e-12);
    expect(r.df).toEqual([2, 6]);
    // F(2, 6) upper tail has the closed form (1 + 2F/6)^(-3).
    close(r.pValue, (1 + (2 * 27) / 6) ** -3, 1e-8);
  });
});
