import { describe, expect, it } from "vitest";
import { createRng } from "../core/index.js";
import {
  cosineDistanceMatrix,
  nearestNeighbours,
  normalize,
  smoothedDistanceMatrix,
  smoothVectors,
} from "./index.js";

describe("neighbourhood smoothing", () => {
  it("finds the k nearest other points", () => {
    const m = cosineDistanceMatrix([
      normalize(Float32Array.of(1, 0)),
      normalize(Float32Array.of(1, 0.1)),
      normalize(Float32Array.of(1, 1)),
      normalize(Float32Array.of(0, 1)),
    ]);
    expect(nearestNeighbours(m, 0, 2)).toEqual([1, 2]);
    expect(nearestNeighbours(m, 3, 1)).toEqual([2]);
  });

  it("computes the smoothed matrix from distances alone, equal to smoothing the vectors", () => {
    const rng = createRng(3);
    const vectors = Array.from({ length: 60 }, () =>
      normalize(Float32Array.from({ length: 8 }, () => rng.next() - 0.3)),
    );
    vectors.push(new Float32Array(8)); // an empty text's zero vector
    const m = cosineDistanceMatrix(vectors);
    const direct = cosineDistanceMatrix(smoothVectors(vectors, m, 5));
    const fast = smoothedDistanceMatrix(m, 5);
    for (let i = 0; i < direct.data.length; i++) {
      expect(fast.data[i]).toBeCloseTo(direct.data[i]!, 5);
    }
    expect(smoothedDistanceMatrix(m, 0)).toBe(m);
  });
});
