/**
 * Cluster centroids and representative members. With l2-normalised vectors and dot-product
 * similarity, the member with the largest summed similarity to all others (the medoid) is
 * the one closest to the mean direction, since Σⱼ xᵢ·xⱼ = xᵢ·Σⱼ xⱼ; so one pass finds both.
 */
import { normalize } from "./embedder.js";

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

/** Normalised mean vector of each cluster label ≥ 0, by label. */
export function centroids(
  vectors: readonly Float32Array[],
  labels: ArrayLike<number>,
): Map<number, Float32Array> {
  const sums = clusterSums(vectors, labels);
  for (const sum of sums.values()) normalize(sum);
  return sums;
}

/** The sum of the member vectors of each cluster label ≥ 0 (unnormalised), by label. */
export function clusterSums(
  vectors: readonly Float32Array[],
  labels: ArrayLike<number>,
): Map<number, Float32Array> {
  const sums = new Map<number, Float32Array>();
  vectors.forEach((v, i) => {
    const label = labels[i]!;
    if (label < 0) return;
    let sum = sums.get(label);
    if (!sum) {
      sum = new Float32Array(v.length);
      sums.set(label, sum);
    }
    for (let k = 0; k < v.length; k++) sum[k]! += v[k]!;
  });
  return sums;
}

export interface Representatives {
  cluster: number;
  /** Index of the medoid (the member closest to the centroid). */
  medoid: number;
  /** Up to `count` member indices, most central first, with their similarity to the centroid. */
  members: Array<{ index: number; similarity: number }>;
}

export function representatives(
  vectors: readonly Float32Array[],
  labels: ArrayLike<number>,
  count = 5,
): Representatives[] {
  const centres = centroids(vectors, labels);
  const byCluster = new Map<number, Array<{ index: number; similarity: number }>>();
  vectors.forEach((v, index) => {
    const label = labels[index]!;
    const centre = centres.get(label);
    if (!centre) return;
    let list = byCluster.get(label);
    if (!list) {
      list = [];
      byCluster.set(label, list);
    }
    list.push({ index, similarity: dot(v, centre) });
  });
  return [...byCluster.keys()]
    .sort((a, b) => a - b)
    .map((cluster) => {
      const members = byCluster
        .get(cluster)!
        .sort((a, b) => b.similarity - a.similarity || a.index - b.index)
        .slice(0, count);
      return { cluster, medoid: members[0]!.index, members };
    });
}
