import { describe, expect, it } from "vitest";
import {
  adjustedRandIndex,
  normalizedMutualInformation,
  unclusteredAsSingletons,
} from "./index.js";

describe("adjusted Rand index", () => {
  it("matches the values printed in scikit-learn's adjusted_rand_score docstring", () => {
    // sklearn.metrics.adjusted_rand_score([0, 0, 1, 1], [0, 0, 1, 2]) == 0.57... (= 4/7)
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(4 / 7, 14);
    expect(adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1])).toBeCloseTo(4 / 7, 14);
    // adjusted_rand_score([0, 0, 1, 1], [1, 1, 0, 0]) == 1.0 (labels renamed)
    expect(adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0])).toBe(1);
    // adjusted_rand_score([0, 0, 0, 0], [0, 1, 2, 3]) == 0.0 (all in one vs all apart)
    expect(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3])).toBe(0);
    // adjusted_rand_score([0, 0, 1, 1], [0, 1, 0, 1]) == -0.5 (sklearn's discordant example)
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 14);
  });

  it("follows Hubert and Arabie's formula on a 3 × 3 table worked by hand", () => {
    // truth [0,0,0,1,1,1,2,2,2], predicted [0,0,1,1,1,2,2,2,2]
    // cells: (0,0)=2 (0,1)=1 (1,1)=2 (1,2)=1 (2,2)=3 → Σ C(nij,2) = 1+0+1+0+3 = 5
    // rows 3,3,3 → a = 9; cols 2,3,4 → b = 1+3+6 = 10; C(9,2) = 36
    // expected = 90/36 = 2.5, max = 9.5 → ARI = (5 − 2.5) / (9.5 − 2.5) = 2.5/7
    expect(adjustedRandIndex([0, 0, 0, 1, 1, 1, 2, 2, 2], [0, 0, 1, 1, 1, 2, 2, 2, 2])).toBeCloseTo(
      2.5 / 7,
      14,
    );
  });

  it("treats both-trivial labelings as perfect, and rejects arrays of different lengths", () => {
    expect(adjustedRandIndex([1, 1, 1], [0, 0, 0])).toBe(1);
    expect(adjustedRandIndex([0, 1, 2], [2, 0, 1])).toBe(1);
    expect(adjustedRandIndex([], [])).toBe(1);
    expect(() => adjustedRandIndex([0, 1], [0])).toThrow(/differ in length/);
  });
});

describe("normalized mutual information (arithmetic mean, scikit-learn's default)", () => {
  it("matches scikit-learn's docstring values", () => {
    // normalized_mutual_info_score([0, 0, 1, 1], [0, 0, 1, 1]) == 1.0
    expect(normalizedMutualInformation([0, 0, 1, 1], [0, 0, 1, 1])).toBe(1);
    // normalized_mutual_info_score([0, 0, 1, 1], [1, 1, 0, 0]) == 1.0
    expect(normalizedMutualInformation([0, 0, 1, 1], [1, 1, 0, 0])).toBe(1);
    // normalized_mutual_info_score([0, 0, 0, 0], [0, 1, 2, 3]) == 0.0
    expect(normalizedMutualInformation([0, 0, 0, 0], [0, 1, 2, 3])).toBe(0);
  });

  it("gives 0.8 for a refinement worked by hand", () => {
    // U = [0,0,1,1], V = [0,0,1,2]: V refines U so MI = H(U) = ln 2; H(V) = 1.5 ln 2;
    // NMI = ln 2 / ((ln 2 + 1.5 ln 2) / 2) = 0.8
    expect(normalizedMutualInformation([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(0.8, 14);
  });

  it("gives 0 for independent labelings", () => {
    // Every cell of the 2 × 2 table is 1 = (2 · 2) / 4: MI = 0.
    expect(normalizedMutualInformation([0, 0, 1, 1], [0, 1, 0, 1])).toBe(0);
  });
});

describe("unclustered points", () => {
  it("become singletons, so they never count as agreeing with each other", () => {
    expect([...unclusteredAsSingletons([0, -1, 1, -1, 0])]).toEqual([0, 2, 1, 3, 0]);
    // As one big cluster -1 would agree with truth [0,0,1,1]; as singletons it does not.
    expect(adjustedRandIndex([1, 1, 0, 0], unclusteredAsSingletons([-1, -1, 0, 0]))).toBeLessThan(
      1,
    );
  });
});
