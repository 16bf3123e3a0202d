import { describe, expect, it } from "vitest";
import { StatsInputError } from "./errors.js";
import { propTestK } from "./index.js";

/**
 * References computed with SciPy 1.17 (python3), the k × 2 table of successes and failures:
 *   scipy.stats.chi2_contingency(table, correction=False)  (k > 2: R applies no correction)
 *   scipy.stats.chi2_contingency(table, correction=True)   (k = 2: the same Yates term as R)
 *   scipy.stats.chisquare(cells, expected, ddof=k-1)       (given proportions, df = k)
 * The k = 2 intervals are R's formula (Wald, plus the Yates term times 1/n1 + 1/n2) computed in
 * Python with scipy.stats.norm.ppf; R's source: src/library/stats/R/prop.test.R.
 */
const close = (actual: number, expected: number, rtol = 1e-10) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rtol * Math.abs(expected) + 1e-14);

describe("propTestK (R prop.test with k groups)", () => {
  it("4 groups (Fleiss 1981, R's example): no continuity correction", () => {
    const r = propTestK([83, 90, 129, 70], [86, 93, 136, 82]);
    close(r.statistic, 12.600411297127634);
    expect(r.df).toBe(3);
    close(r.pValue, 0.005585476661627036);
    expect(r.corrected).toBe(false);
    expect(r.ci).toBeUndefined();
    // R's printed output for example(prop.test): X-squared = 12.6, df = 3, p-value = 0.005585.
    close(r.pValue, 0.005585, 5e-4);
  });

  it("2 groups with the Yates correction (R's default), its interval and a one-sided test", () => {
    const r = propTestK([15, 25], [50, 50]);
    close(r.statistic, 3.375);
    expect(r.df).toBe(1);
    close(r.pValue, 0.06619257972219346);
    expect(r.corrected).toBe(true);
    close(r.ci!.lower, -0.4079931412322959);
    close(r.ci!.upper, 0.007993141232295858);
    const less = propTestK([15, 25], [50, 50], { alternative: "less" });
    close(less.pValue, 0.03309628986109672);
    expect(less.ci!.lower).toBe(-1);
    close(less.ci!.upper, -0.022231182492617407);
  });

  it("2 groups without the correction", () => {
    const r = propTestK([15, 25], [50, 50], { correct: false });
    close(r.statistic, 4.166666666666667);
    close(r.pValue, 0.041226833337163815);
    close(r.ci!.lower, -0.3879931412322959);
    close(r.ci!.upper, -0.012006858767704132);
  });

  it("3 small unequal groups: the correction is ignored for k > 2, as R", () => {
    for (const correct of [true, false]) {
      const r = propTestK([3, 9, 4], [12, 20, 7], { correct, alternative: "greater" });
      close(r.statistic, 2.155900621118013);
      expect(r.df).toBe(2);
      close(r.pValue, 0.3402923048546126);
      expect(r.alternative).toBe("two-sided");
    }
  });

  it("given proportions: df = k", () => {
    const r = propTestK([3, 9, 4], [12, 20, 7], { p: [0.2, 0.5, 0.5] });
    close(r.statistic, 0.5303571428571427);
    expect(r.df).toBe(3);
    close(r.pValue, 0.9121732179520765);
  });

  it("nothing to test when every trial failed; bad input throws", () => {
    expect(propTestK([0, 0, 0], [5, 6, 7])).toMatchObject({ statistic: 0, pValue: 1 });
    expect(() => propTestK([1], [2])).toThrow(StatsInputError);
    expect(() => propTestK([3, 1], [2, 4])).toThrow(/cannot exceed/);
    expect(() => propTestK([1, 1], [2, 0])).toThrow(StatsInputError);
    expect(() => propTestK([1, 1], [2, 2], { p: [0.5] })).toThrow(/p must have 2/);
  });
});
