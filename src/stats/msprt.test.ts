import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { StatsInputError } from "./errors.js";
import { type ArmSummary, armFromMoments, mixtureSequentialTest } from "./msprt.js";

interface ReferenceCase {
  control: ArmSummary;
  treatment: ArmSummary;
  tau: number;
  alpha: number;
  likelihood_ratio: number;
  interval: [number, number];
}

// Computed by scipy (numerical integration of the mixture and root-finding), not by the
// closed form under test: see testdata/msprt_reference.py.
const reference = JSON.parse(
  readFileSync(new URL("./testdata/msprt-reference.json", import.meta.url), "utf8"),
) as { cases: ReferenceCase[] };

describe("mixtureSequentialTest", () => {
  it.each(reference.cases.map((c, i) => [i, c] as const))(
    "matches the integrated mixture ratio and its inverted interval (case %i)",
    (_, c) => {
      const result = mixtureSequentialTest(c.control, c.treatment, { tau: c.tau, alpha: c.alpha });
      expect(result.likelihoodRatio).toBeCloseTo(c.likelihood_ratio, 6);
      expect(result.interval.lower).toBeCloseTo(c.interval[0], 6);
      expect(result.interval.upper).toBeCloseTo(c.interval[1], 6);
      expect(result.rejected).toBe(c.likelihood_ratio >= 1 / c.alpha);
      // The interval excludes 0 exactly when the test rejects "no difference".
      const excludesZero = c.interval[0] > 0 || c.interval[1] < 0;
      expect(result.rejected).toBe(excludesZero);
    },
  );

  it("rejects a large difference and keeps an equal one", () => {
    const control = { n: 2000, mean: 0.9, variance: 0.09 };
    const worse = { n: 2000, mean: 0.8, variance: 0.16 };
    expect(mixtureSequentialTest(control, worse, { tau: 0.05 }).rejected).toBe(true);
    expect(mixtureSequentialTest(control, control, { tau: 0.05 }).rejected).toBe(false);
  });

  it("treats two constant arms as exact", () => {
    const a = { n: 10, mean: 0, variance: 0 };
    expect(mixtureSequentialTest(a, a, { tau: 0.1 }).rejected).toBe(false);
    const b = { n: 10, mean: 1, variance: 0 };
    expect(mixtureSequentialTest(a, b, { tau: 0.1 })).toMatchObject({
      rejected: true,
      interval: { lower: 1, upper: 1 },
    });
  });

  it("refuses arms too small or a non-positive tau", () => {
    const arm = { n: 10, mean: 0.5, variance: 0.25 };
    expect(() => mixtureSequentialTest({ ...arm, n: 1 }, arm, { tau: 0.1 })).toThrow(
      StatsInputError,
    );
    expect(() => mixtureSequentialTest(arm, arm, { tau: 0 })).toThrow(/tau/);
    expect(() => mixtureSequentialTest(arm, { ...arm, mean: Number.NaN }, { tau: 1 })).toThrow(
      /finite/,
    );
  });
});

describe("armFromMoments", () => {
  it("gives the sample mean and variance", () => {
    // 1, 2, 3, 4: mean 2.5, sample variance 5/3 (by hand).
    const arm = armFromMoments(4, 10, 30);
    expect(arm.mean).toBe(2.5);
    expect(arm.variance).toBeCloseTo(5 / 3, 12);
  });
});
