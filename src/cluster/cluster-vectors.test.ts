import { describe, expect, it } from "vitest";
import { createRng } from "../core/index.js";
import {
  adjustedRandIndex,
  clusterKeywords,
  clusterVectors,
  defaultMinClusterSize,
  fitLsa,
  normalize,
} from "./index.js";

/** Points around k orthogonal directions in d dimensions, with noise. */
function directions(seed: number, k: number, perGroup: number, d = 16) {
  const rng = createRng(seed);
  const vectors: Float32Array[] = [];
  const truth: number[] = [];
  for (let g = 0; g < k; g++) {
    for (let i = 0; i < perGroup; i++) {
      const x = Float32Array.from({ length: d }, () => (rng.next() - 0.5) * 0.3);
      x[g]! += 1;
      vectors.push(normalize(x));
      truth.push(g);
    }
  }
  return { vectors, truth };
}

describe("clusterVectors", () => {
  for (const method of ["hdbscan", "dbscan", "agglomerative"] as const) {
    it(`${method} separates well-separated groups`, () => {
      const { vectors, truth } = directions(1, 4, 25);
      const result = clusterVectors(vectors, { method, threshold: 0.6 });
      expect(result.sampled).toBeUndefined();
      expect(result.clusters).toBe(4);
      expect(adjustedRandIndex(truth, result.labels)).toBeGreaterThan(0.9);
    });
  }

  it("clusters a sample and assigns the rest when there are more points than the limit", () => {
    const { vectors, truth } = directions(2, 4, 150);
    const result = clusterVectors(vectors, { method: "hdbscan", maxExactPoints: 200 });
    expect(result.sampled).toBe(200);
    expect(result.clusters).toBe(4);
    expect(result.unclustered).toBeLessThan(vectors.length * 0.2);
    const clustered = [...result.labels.keys()].filter((i) => result.labels[i]! >= 0);
    expect(
      adjustedRandIndex(
        clustered.map((i) => truth[i]!),
        clustered.map((i) => result.labels[i]!),
      ),
    ).toBe(1);
  });

  it("handles no failures, one failure and identical failures end to end", () => {
    expect(clusterVectors([], { method: "hdbscan" }).labels.length).toBe(0);
    const one = fitLsa(["tool timed out"]).embedSync(["tool timed out"]);
    expect([...clusterVectors(one, { method: "hdbscan" }).labels]).toEqual([-1]);
    const texts = new Array(8).fill("tool search_flights timed out after 30 s");
    const vectors = fitLsa(texts).embedSync(texts);
    const result = clusterVectors(vectors, { method: "hdbscan" });
    expect([...result.labels]).toEqual(new Array(8).fill(0));
    expect(clusterKeywords(texts, result.labels)[0]!.label).toContain("search_flights");
  });

  it("grows the default smallest cluster slowly with n", () => {
    expect([10, 100, 3080, 100_000].map(defaultMinClusterSize)).toEqual([3, 7, 12, 17]);
  });
});
