/**
 * DBSCAN (Ester et al. 1996) on a distance matrix: a point with at least `minSamples`
 * points within `eps` (itself included) is a core point; clusters are the core points
 * connected through such neighbourhoods plus the border points they reach. A border point
 * within reach of two clusters joins the first one found (scanning points in input order),
 * as scikit-learn does. Everything else is -1 (unclustered).
 */
import type { DistanceMatrix } from "./distance.js";

export interface DbscanOptions {
  /** Neighbourhood radius (a cosine distance for text vectors: 1 − similarity). */
  eps: number;
  minSamples: number;
}

export function dbscan(matrix: DistanceMatrix, options: DbscanOptions): Int32Array {
  const { n, data } = matrix;
  const labels = new Int32Array(n).fill(-1);
  const neighbours = (i: number): number[] => {
    const out: number[] = [];
    for (let j = 0; j < n; j++) if (data[i * n + j]! <= options.eps) out.push(j);
    return out;
  };
  const isCore = new Uint8Array(n);
  const lists: number[][] = [];
  for (let i = 0; i < n; i++) {
    lists.push(neighbours(i));
    if (lists[i]!.length >= options.minSamples) isCore[i] = 1;
  }
  let next = 0;
  for (let i = 0; i < n; i++) {
    if (!isCore[i] || labels[i] !== -1) continue;
    const cluster = next++;
    labels[i] = cluster;
    const queue = [i];
    while (queue.length > 0) {
      const p = queue.pop()!;
      for (const q of lists[p]!) {
        if (labels[q] !== -1) continue;
        labels[q] = cluster;
        if (isCore[q]) queue.push(q);
      }
    }
  }
  return labels;
}
