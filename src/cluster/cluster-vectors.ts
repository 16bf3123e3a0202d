/**
 * One entry point for the three algorithms on l2-normalised vectors. Up to `maxExactPoints`
 * vectors are clustered exactly on the full cosine distance matrix. Beyond that (the matrix
 * and the O(n²) spanning tree grow too large: 100,000 points would need 40 GB of distances),
 * a seeded sample of `maxExactPoints` is clustered and every other vector joins its nearest
 * sample-cluster centroid when it is at least as similar as the cluster's own members
 * typically are (the cluster's `radiusQuantile` member-to-centroid similarity), else stays
 * unclustered. `sampled` says when that happened.
 */
import { createRng, hash32 } from "../core/index.js";
import { agglomerative, type Linkage } from "./agglomerative.js";
import { centroids, dot } from "./centroids.js";
import { dbscan } from "./dbscan.js";
import { cosineDistanceMatrix } from "./distance.js";
import { hdbscan } from "./hdbscan.js";

export type ClusterMethod = "hdbscan" | "dbscan" | "agglomerative";

export interface ClusterOptions {
  method: ClusterMethod;
  /** Default: `defaultMinClusterSize(n)`. */
  minClusterSize?: number;
  /** HDBSCAN / DBSCAN density parameter; HDBSCAN default = minClusterSize, DBSCAN default 5. */
  minSamples?: number;
  /** Similarity threshold (the config's 0.75): DBSCAN's eps and the agglomerative cut are
   *  1 − threshold. */
  threshold?: number;
  linkage?: Linkage;
  maxExactPoints?: number;
  /** Share of a sample cluster's members at least as far from its centroid as a joining
   *  vector may be (0.1: a vector joins if it is closer than the 10% least central members). */
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
export const DEFAULT_THRESHOLD = 0.75;

/**
 * A smallest cluster that grows slowly with n: a handful of failures already make a problem
 * worth naming, and in 100,000 failures a group of 5 is noise.
 */
export function defaultMinClusterSize(n: number): number {
  return Math.max(3, Math.round(Math.log2(Math.max(2, n)) * 0.8));
}

function exact(vectors: readonly Float32Array[], options: ClusterOptions, mcs: number): Int32Array {
  const matrix = cosineDistanceMatrix(vectors);
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  switch (options.method) {
    case "hdbscan":
      return hdbscan(matrix, { minClusterSize: mcs, minSamples: options.minSamples }).labels;
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
  const n = vectors.length;
  const limit = options.maxExactPoints ?? DEFAULT_MAX_EXACT_POINTS;
  const mcs = options.minClusterSize ?? defaultMinClusterSize(n);
  if (n <= limit) {
    const labels = exact(vectors, options, mcs);
    return { labels, ...count(labels), sampled: undefined, minClusterSize: mcs };
  }
  // Seeded partial Fisher–Yates: the first `limit` slots are the sample.
  const rng = createRng(hash32(`cluster-sample\u0000${options.seed ?? 0}`));
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < limit; i++) {
    const j = i + rng.int(n - i);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const sample = Array.from(order.subarray(0, limit)).sort((a, b) => a - b);
  // The smallest cluster shrinks with the sample so the same share of the data qualifies.
  const sampleMcs = Math.max(2, Math.round((mcs * limit) / n));
  const sampleVectors = sample.map((i) => vectors[i]!);
  const sampleLabels =
    options.minClusterSize === undefined
      ? exact(sampleVectors, options, defaultMinClusterSize(limit))
      : exact(sampleVectors, options, sampleMcs);
  const centres = centroids(sampleVectors, sampleLabels);
  const labelList = [...centres.keys()];
  const centreList = labelList.map((l) => centres.get(l)!);
  const similarities = new Map<number, number[]>();
  sampleVectors.forEach((v, i) => {
    const l = sampleLabels[i]!;
    if (l < 0) return;
    const list = similarities.get(l) ?? [];
    list.push(dot(v, centres.get(l)!));
    similarities.set(l, list);
  });
  const q = options.radiusQuantile ?? 0.1;
  const radius = labelList.map((l) => {
    const list = similarities.get(l)!.sort((a, b) => a - b);
    return list[Math.min(list.length - 1, Math.floor(q * list.length))]!;
  });
  const labels = new Int32Array(n).fill(-1);
  sample.forEach((index, i) => {
    labels[index] = sampleLabels[i]!;
  });
  const inSample = new Uint8Array(n);
  for (const i of sample) inSample[i] = 1;
  for (let i = 0; i < n; i++) {
    if (inSample[i]) continue;
    let best = -1;
    let bestSimilarity = Number.NEGATIVE_INFINITY;
    centreList.forEach((centre, c) => {
      const s = dot(vectors[i]!, centre);
      if (s > bestSimilarity) {
        bestSimilarity = s;
        best = c;
      }
    });
    if (best >= 0 && bestSimilarity >= radius[best]!) labels[i] = labelList[best]!;
  }
  return { labels, ...count(labels), sampled: limit, minClusterSize: mcs };
}
