/**
 * Neighbourhood smoothing: each vector is replaced by the normalised similarity-weighted sum
 * of itself and its k nearest neighbours. Lexical vectors are noisy (two phrasings of one
 * problem may share few n-grams); averaging over a neighbourhood pulls such points toward
 * their group and strengthens the density contrast HDBSCAN relies on, in the spirit of the
 * neighbourhood graph UMAP builds before HDBSCAN in topic-modelling pipelines. It uses the
 * distance matrix already computed for clustering.
 */
import type { DistanceMatrix } from "./distance.js";
import { normalize } from "./embedder.js";

/** Indices of the k nearest other points of row i (ties by index). */
export function nearestNeighbours(matrix: DistanceMatrix, i: number, k: number): number[] {
  const { n, data } = matrix;
  const row = i * n;
  // Bounded insertion into a sorted list of k: O(n · k), k is small.
  const best: number[] = [];
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    const d = data[row + j]!;
    if (best.length === k && d >= data[row + best[k - 1]!]!) continue;
    let at = best.length < k ? best.length : k - 1;
    while (at > 0 && data[row + best[at - 1]!]! > d) at--;
    best.splice(at, 0, j);
    if (best.length > k) best.pop();
  }
  return best;
}

export function smoothVectors(
  vectors: readonly Float32Array[],
  matrix: DistanceMatrix,
  neighbours: number,
): Float32Array[] {
  if (neighbours <= 0) return [...vectors];
  return vectors.map((v, i) => {
    const out = Float32Array.from(v);
    for (const j of nearestNeighbours(matrix, i, neighbours)) {
      const weight = 1 - matrix.data[i * matrix.n + j]!;
      if (weight <= 0) continue;
      const u = vectors[j]!;
      for (let t = 0; t < out.length; t++) out[t]! += weight * u[t]!;
    }
    return normalize(out);
  });
}
