import { describe, expect, it } from "vitest";
import { createRng } from "../core/index.js";
import { clusterVectors, normalize } from "./index.js";
import { mergeSimilarClusters } from "./merge.js";

/** `count` unit vectors within a tiny jitter of `direction`. */
function tight(direction: number[], count: number, seed: number): Float32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () =>
    normalize(Float32Array.from(direction, (x) => x + (rng.next() - 0.5) * 0.01)),
  );
}

describe("mergeSimilarClusters", () => {
  it("merges clusters whose centroids reach the similarity, keeps the others and the outliers", () => {
    // a and b are 0.8 alike (cos), c is orthogonal to both.
    const a = tight([1, 0, 0], 4, 1);
    const b = tight([0.8, 0.6, 0], 4, 2);
    const c = tight([0, 0, 1], 4, 3);
    const vectors = [...a, ...b, ...c, normalize(Float32Array.from([0, 1, 0]))];
    const labels = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, -1]);
    expect([...mergeSimilarClusters(vectors, labels, 0.75)]).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, -1,
    ]);
    expect([...mergeSimilarClusters(vectors, labels, 0.85)]).toEqual([...labels]);
  });

  it("compares a merged cluster by the mean of all its members", () => {
    // a–b and b–c are both 0.8 alike, a–c only 0.28: once a and b merge, their centroid is
    // only about 0.57 alike to c, so c stays apart at 0.75 (no chaining through b).
    const a = tight([1, 0, 0], 4, 4);
    const b = tight([0.8, 0.6, 0], 4, 5);
    const c = tight([0.28, 0.96, 0], 4, 6);
    const labels = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    const merged = mergeSimilarClusters([...a, ...b, ...c], labels, 0.75);
    expect(new Set(merged).size).toBe(2);
  });

  it("leaves no clusters and all-outlier labels alone", () => {
    expect([...mergeSimilarClusters([], new Int32Array(0), 0.75)]).toEqual([]);
    const one = [normalize(Float32Array.from([1, 0]))];
    expect([...mergeSimilarClusters(one, Int32Array.from([-1]), 0.75)]).toEqual([-1]);
  });

  it("joins two tight groups HDBSCAN keeps apart when asked to", () => {
    const vectors = [...tight([1, 0, 0], 10, 7), ...tight([0.85, 0.53, 0], 10, 8)];
    expect(clusterVectors(vectors, { method: "hdbscan" }).clusters).toBe(2);
    const merged = clusterVectors(vectors, { method: "hdbscan", mergeSimilarity: 0.75 });
    expect(merged.clusters).toBe(1);
    expect(merged.unclustered).toBe(0);
  });
});
