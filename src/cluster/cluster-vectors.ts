/**
 * One entry point for the three algorithms on l2-normalised vectors:
 *
 * - up to `maxExactPoints` vectors are clustered exactly on the full cosine distance matrix,
 *   after neighbourhood smoothing (`smoothing` neighbours; 0 turns it off);
 * - beyond that (the matrix and the O(n²) spanning tree grow too large: 100,000 points
 *   would need 40 GB of distances), a seeded sample of `sampleSize` is clustered that
 *   way and every other vector joins its nearest sample cluster when it is as close to the
 *   centroid as the cluster's own members (`absorbInto`), else stays unclustered. `sampled`
 *   says when that happened.
 */
import { createRng, hash32 } from "../core/index.js";
import { absorbInto } from "./absorb.js";
import { agglomerative, type Linkage } from "./agglomerative.js";
import { dbscan } from "./dbscan.js";
import { cosineDistanceMatrix } from "./distance.js";
import { hdbscan } from "./hdbscan.js";
import { mergeSimilarClusters } from "./merge.js";
import { smoothedDistanceMatrix } from "./smooth.js";
import { splitDistinctGroups } from "./split.js";

export type ClusterMethod = "hdbscan" | "dbscan" | "agglomerative";

export interface ClusterOptions {
  method: ClusterMethod;
  /** Default: `defaultMinClusterSize(n)`. */
  minClusterSize?: number;
  /** HDBSCAN / DBSCAN density parameter; HDBSCAN default 1, DBSCAN default 5. */
  minSamples?: number;
  /** Similarity threshold (the config's 0.75): DBSCAN's eps and the agglomerative cut are
   *  1 − threshold. */
  threshold?: number;
  linkage?: Linkage;
  /** Neighbours averaged into each vector before clustering (default 10, DBSCAN 0; 0 = off). */
  smoothing?: number;
  /** HDBSCAN: splits below this distance are not kept apart (default 0.05). Near-duplicate
   *  texts are at distance ≈ 0, where λ = 1/distance explodes and excess of mass would
   *  otherwise always prefer the tiniest groups of duplicates over the problem they share. */
  clusterSelectionEpsilon?: number;
  /** Afterwards, merge clusters whose centroids are at least this similar (cosine), then split
   *  off groups of near-identical members less similar than this to the rest of their cluster
   *  (exact path only); off by default. `buildClusters` passes the config's `threshold` (see
   *  `merge.ts`, `split.ts`). */
  mergeSimilarity?: number;
  /** Let HDBSCAN outliers inside a cluster's extent join it (default false). */
  absorbOutliers?: boolean;
  maxExactPoints?: number;
  /** Size of the sample clustered when there are more than `maxExactPoints` vectors. */
  sampleSize?: number;
  /** Which member-to-centroid similarity a joining vector must reach: 0 = the least
   *  central member's (default), 0.1 = the 10th percentile's. */
  radiusQuantile?: number;
  seed?: number;
}

export interface Clustering {
  /** Cluster per vector, 0-based, -1 unclustered. */
  labels: Int32Array;
  clusters: number;
  unclustered: number;
  /** The sample size when the data was clustered on a sample; undefined when exact. */
  sampled: number | undefined;
  minClusterSize: number;
}

export const DEFAULT_MAX_EXACT_POINTS = 4000;
export const DEFAULT_SAMPLE_SIZE = 2500;
export const DEFAULT_THRESHOLD = 0.75;
export const DEFAULT_SMOOTHING = 10;
export const DEFAULT_SELECTION_EPSILON = 0.05;

/**
 * The smallest cluster grows with log₂ n: a handful of failures already make a problem worth
 * naming, while among 100,000 a group of five is noise. (log₂(n/4) and log₂(n/2) gave the
 * sim's failure modes of 5 failures clusters of their own, but left the bundled improvement
 * loop with one mixed cluster no prompt patch could fix; see src/cluster/README.md.)
 */
export function defaultMinClusterSize(n: number): number {
  return Math.max(3, Math.round(Math.log2(Math.max(2, n))));
}

function exact(vectors: readonly Float32Array[], options: ClusterOptions, mcs: number): Int32Array {
  const n = vectors.length;
  if (n === 0) return new Int32Array(0);
  const matrix = smoothedDistanceMatrix(
    cosineDistanceMatrix(vectors),
    // DBSCAN's one global radius chains everything in the smoothed space, where distances
    // shrink; it reads the threshold as a plain similarity between texts instead.
    options.smoothing ?? (options.method === "dbscan" ? 0 : DEFAULT_SMOOTHING),
  );
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  switch (options.method) {
    case "hdbscan": {
      const labels = hdbscan(matrix, {
        minClusterSize: mcs,
        minSamples: options.minSamples ?? 1,
        clusterSelectionEpsilon: options.clusterSelectionEpsilon ?? DEFAULT_SELECTION_EPSILON,
      }).labels;
      if (options.absorbOutliers) {
        const outliers: number[] = [];
        labels.forEach((l, i) => {
          if (l < 0) outliers.push(i);
        });
        absorbInto(vectors, labels, outliers, options.radiusQuantile ?? 0);
      }
      return labels;
    }
    case "dbscan":
      return dbscan(matrix, { eps: 1 - threshold, minSamples: options.minSamples ?? 5 });
    case "agglomerative":
      return agglomerative(matrix, {
        linkage: options.linkage ?? "average",
        distanceThreshold: 1 - threshold,
        minClusterSize: mcs,
      });
  }
}

function count(labels: Int32Array): { clusters: number; unclustered: number } {
  let clusters = 0;
  let unclustered = 0;
  for (const l of labels) {
    if (l < 0) unclustered++;
    else clusters = Math.max(clusters, l + 1);
  }
  return { clusters, unclustered };
}

export function clusterVectors(
  vectors: readonly Float32Array[],
  options: ClusterOptions,
): Clustering {
  const result = clusterOnce(vectors, options);
  if (options.mergeSimilarity === undefined) return result;
  const merged = mergeSimilarClusters(vectors, result.labels, options.mergeSimilarity);
  // On a sample, absorbed members decide cluster membership by centroid radius; a split there
  // would need the pairwise pass over clusters of tens of thousands.
  const labels =
    result.sampled === undefined
      ? splitDistinctGroups(vectors, merged, { similarity: options.mergeSimilarity })
      : merged;
  return { ...result, labels, ...count(labels) };
}

function clusterOnce(vectors: readonly Float32Array[], options: ClusterOptions): Clustering {
  const n = vectors.length;
  const limit = options.maxExactPoints ?? DEFAULT_MAX_EXACT_POINTS;
  const mcs = options.minClusterSize ?? defaultMinClusterSize(n);
  if (n <= limit) {
    const labels = exact(vectors, options, mcs);
    return { labels, ...count(labels), sampled: undefined, minClusterSize: mcs };
  }
  const size = Math.min(limit, options.sampleSize ?? DEFAULT_SAMPLE_SIZE);
  // Seeded partial Fisher–Yates: the first `size` slots are the sample.
  const rng = createRng(hash32(`cluster-sample\u0000${options.seed ?? 0}`));
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + rng.int(n - i);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const sample = Array.from(order.subarray(0, size)).sort((a, b) => a - b);
  // The sample's smallest cluster follows the same rule at the sample's size, unless the
  // caller fixed one for the whole set (then it shrinks with the sampling rate).
  const sampleMcs =
    options.minClusterSize === undefined
      ? defaultMinClusterSize(size)
      : Math.max(2, Math.round((mcs * size) / n));
  const sampleLabels = exact(
    sample.map((i) => vectors[i]!),
    options,
    sampleMcs,
  );
  const labels = new Int32Array(n).fill(-1);
  const inSample = new Uint8Array(n);
  sample.forEach((index, i) => {
    labels[index] = sampleLabels[i]!;
    inSample[index] = 1;
  });
  const rest: number[] = [];
  for (let i = 0; i < n; i++) if (!inSample[i]) rest.push(i);
  absorbInto(vectors, labels, rest, options.radiusQuantile ?? 0);
  return { labels, ...count(labels), sampled: size, minClusterSize: mcs };
}
