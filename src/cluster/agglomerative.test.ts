import { describe, expect, it } from "vitest";
import { createRng } from "../core/index.js";
import {
  adjustedRandIndex,
  agglomerative,
  type DistanceMatrix,
  euclideanDistanceMatrix,
  type Linkage,
} from "./index.js";

const line = (xs: number[]) => euclideanDistanceMatrix(xs.map((x) => [x]));

describe("threshold agglomerative clustering, worked by hand", () => {
  // Points 0, 1, 3, 10. {0,1} merge at 1. Then average: d({0,1}, 3) = (3 + 2)/2 = 2.5,
  // complete: max(3, 2) = 3; 10 is 7 or more from everything.
  it("average linkage", () => {
    expect([
      ...agglomerative(line([0, 1, 3, 10]), { linkage: "average", distanceThreshold: 2.6 }),
    ]).toEqual([0, 0, 0, -1]);
    expect([
      ...agglomerative(line([0, 1, 3, 10]), { linkage: "average", distanceThreshold: 2.4 }),
    ]).toEqual([0, 0, -1, -1]);
  });

  it("complete linkage", () => {
    expect([
      ...agglomerative(line([0, 1, 3, 10]), { linkage: "complete", distanceThreshold: 2.6 }),
    ]).toEqual([0, 0, -1, -1]);
    expect([
      ...agglomerative(line([0, 1, 3, 10]), { linkage: "complete", distanceThreshold: 3 }),
    ]).toEqual([0, 0, 0, -1]);
  });

  it("keeps singletons when minClusterSize is 1, and handles tiny inputs", () => {
    expect([
      ...agglomerative(line([0, 1, 3, 10]), {
        linkage: "average",
        distanceThreshold: 2.6,
        minClusterSize: 1,
      }),
    ]).toEqual([0, 0, 0, 1]);
    expect([...agglomerative(line([]), { linkage: "average", distanceThreshold: 1 })]).toEqual([]);
    expect([...agglomerative(line([4]), { linkage: "average", distanceThreshold: 1 })]).toEqual([
      -1,
    ]);
  });
});

/** Textbook O(n³) agglomeration: repeatedly merge the closest pair of clusters, with the
 *  linkage computed from the original point distances, while it is ≤ the threshold. */
function naive(matrix: DistanceMatrix, linkage: Linkage, threshold: number): number[] {
  const { n, data } = matrix;
  let clusters = Array.from({ length: n }, (_, i) => [i]);
  const link = (a: number[], b: number[]) => {
    const ds = a.flatMap((i) => b.map((j) => data[i * n + j]!));
    return linkage === "average" ? ds.reduce((s, d) => s + d, 0) / ds.length : Math.max(...ds);
  };
  for (;;) {
    let best = Number.POSITIVE_INFINITY;
    let pair: [number, number] = [-1, -1];
    for (let a = 0; a < clusters.length; a++) {
      for (let b = a + 1; b < clusters.length; b++) {
        const d = link(clusters[a]!, clusters[b]!);
        if (d < best) {
          best = d;
          pair = [a, b];
        }
      }
    }
    if (pair[0] < 0 || best > threshold) break;
    const merged = [...clusters[pair[0]]!, ...clusters[pair[1]]!];
    clusters = clusters.filter((_, i) => i !== pair[0] && i !== pair[1]);
    clusters.push(merged);
  }
  const labels = new Array<number>(n).fill(-1);
  clusters.forEach((members, c) => {
    if (members.length >= 2) for (const m of members) labels[m] = c;
  });
  return labels;
}

describe("agglomerative against the textbook algorithm", () => {
  for (const linkage of ["average", "complete"] as const) {
    for (const seed of [1, 2, 3]) {
      it(`${linkage} linkage agrees on random points (seed ${seed})`, () => {
        const rng = createRng(seed);
        const points = Array.from({ length: 40 }, () => [rng.next() * 10, rng.next() * 10]);
        const matrix = euclideanDistanceMatrix(points);
        for (const threshold of [0.8, 1.5, 3]) {
          const expected = naive(matrix, linkage, threshold);
          const actual = agglomerative(matrix, { linkage, distanceThreshold: threshold });
          expect([...actual].map((l) => l < 0)).toEqual(expected.map((l) => l < 0));
          expect(adjustedRandIndex(actual, expected)).toBe(1);
        }
      });
    }
  }
});
