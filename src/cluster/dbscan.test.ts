import { describe, expect, it } from "vitest";
import { dbscan, euclideanDistanceMatrix } from "./index.js";

describe("DBSCAN", () => {
  it("reproduces scikit-learn's documented example", () => {
    // sklearn.cluster.DBSCAN docstring: X = [[1, 2], [2, 2], [2, 3], [8, 7], [8, 8], [25, 80]],
    // DBSCAN(eps=3, min_samples=2).fit(X).labels_ == [0, 0, 0, 1, 1, -1]
    const matrix = euclideanDistanceMatrix([
      [1, 2],
      [2, 2],
      [2, 3],
      [8, 7],
      [8, 8],
      [25, 80],
    ]);
    expect([...dbscan(matrix, { eps: 3, minSamples: 2 })]).toEqual([0, 0, 0, 1, 1, -1]);
  });

  it("follows core, border and noise points derived by hand", () => {
    // On a line, eps = 1.5, minSamples = 3 (itself included): 0 → {0, 1} not core;
    // 1 → {0, 1, 2} core; 2 → {1, 2, 3} core; 3 → {2, 3} border (reached from 2);
    // 10 and 11 → two points each, no core → unclustered.
    const matrix = euclideanDistanceMatrix([[0], [1], [2], [3], [10], [11]]);
    expect([...dbscan(matrix, { eps: 1.5, minSamples: 3 })]).toEqual([0, 0, 0, 0, -1, -1]);
  });

  it("gives a border point between two clusters to the first cluster that reaches it", () => {
    const matrix = euclideanDistanceMatrix([[-1], [-0.5], [0], [1], [2], [2.5], [3]]);
    // eps 1, minSamples 3: 1 has {0, 1, 2} and is core itself, so it links both sides.
    expect([...dbscan(matrix, { eps: 1, minSamples: 3 })]).toEqual([0, 0, 0, 0, 0, 0, 0]);
    // eps 1, minSamples 4: only 0 ({-1, -0.5, 0, 1}) and 2 ({1, 2, 2.5, 3}) are core; 1 is a
    // border of both and joins the cluster the scan meets first (0's); -1 and -0.5 are
    // borders of 0, 2.5 and 3 of 2.
    expect([...dbscan(matrix, { eps: 1, minSamples: 4 })]).toEqual([0, 0, 0, 0, 1, 1, 1]);
  });

  it("labels everything noise when no point is core, and handles an empty set", () => {
    const matrix = euclideanDistanceMatrix([[0], [5], [10]]);
    expect([...dbscan(matrix, { eps: 1, minSamples: 2 })]).toEqual([-1, -1, -1]);
    expect([...dbscan(euclideanDistanceMatrix([]), { eps: 1, minSamples: 2 })]).toEqual([]);
  });
});
