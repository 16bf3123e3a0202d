/**
 * The inverse of `merge.ts`: a group of near-identical members (every one at least `tight`
 * alike to another in it) whose centroid is less than `similarity` alike to the rest of its
 * cluster's is split off as a cluster of its own. Two such groups, had they been clusters,
 * would not have been merged; HDBSCAN puts them together only when the group is smaller than
 * its minimum cluster size, and then the problem they share disappears into a neighbour's
 * (eval failures repeat the same evidence each epoch, so a problem met a handful of times is
 * exactly such a group). Such a group among the unclustered, unlike every cluster, becomes a
 * cluster too. Groups smaller than `minGroup` stay where they are. Clusters (and an
 * unclustered pool) larger than `maxMembers` are left whole (the pairwise pass is quadratic
 * in their size). Labels are
 * renumbered 0..k-1 in order of first appearance; -1 stays -1.
 */
import { clusterSums, dot } from "./centroids.js";
import { normalize } from "./embedder.js";
import { renumberLabels } from "./labels.js";

export interface SplitOptions {
  similarity: number;
  tight?: number;
  minGroup?: number;
  maxMembers?: number;
}

export function splitDistinctGroups(
  vectors: readonly Float32Array[],
  labels: Int32Array,
  options: SplitOptions,
): Int32Array {
  const tight = options.tight ?? 0.9;
  const minGroup = options.minGroup ?? 3;
  const maxMembers = options.maxMembers ?? 1000;
  const members = new Map<number, number[]>();
  labels.forEach((label, i) => {
    if (label < 0) return;
    const list = members.get(label);
    if (list) list.push(i);
    else members.set(label, [i]);
  });
  // Each cluster's sum once: a group's rest is the cluster's sum less the group's.
  const sums = clusterSums(vectors, labels);
  const unit = (sum: Float32Array) => normalize(Float32Array.from(sum));
  const out = Int32Array.from(labels);
  let next = 0;
  for (const label of labels) if (label >= next) next = label + 1;
  for (const [label, list] of members) {
    if (list.length < 2 * minGroup || list.length > maxMembers) continue;
    const total = sums.get(label)!;
    for (const group of tightGroups(vectors, list, tight)) {
      if (group.length < minGroup || list.length - group.length < minGroup) continue;
      const groupSum = sumOf(vectors, group);
      const restSum = Float32Array.from(total, (x, k) => x - groupSum[k]!);
      if (dot(unit(groupSum), unit(restSum)) >= options.similarity) continue;
      for (const i of group) out[i] = next;
      next++;
    }
  }
  // The unclustered likewise: HDBSCAN leaves a group smaller than its minimum as noise, and
  // a handful of identical failures unlike every cluster is a problem of its own.
  const noise: number[] = [];
  labels.forEach((label, i) => {
    if (label < 0) noise.push(i);
  });
  if (noise.length >= minGroup && noise.length <= maxMembers) {
    const centres = [...sums.values()].map(unit);
    for (const group of tightGroups(vectors, noise, tight)) {
      if (group.length < minGroup) continue;
      const centre = unit(sumOf(vectors, group));
      if (centres.some((c) => dot(c, centre) >= options.similarity)) continue;
      for (const i of group) out[i] = next;
      next++;
    }
  }
  return renumberLabels(out);
}

/** Connected components of "at least `tight` alike" among a cluster's members. */
function tightGroups(vectors: readonly Float32Array[], list: number[], tight: number): number[][] {
  const parent = list.map((_, k) => k);
  const find = (k: number): number => {
    let at = k;
    while (parent[at] !== at) {
      parent[at] = parent[parent[at]!]!;
      at = parent[at]!;
    }
    return at;
  };
  for (let a = 0; a < list.length; a++) {
    for (let b = a + 1; b < list.length; b++) {
      if (dot(vectors[list[a]!]!, vectors[list[b]!]!) >= tight) parent[find(a)] = find(b);
    }
  }
  const groups = new Map<number, number[]>();
  list.forEach((index, k) => {
    const root = find(k);
    const group = groups.get(root);
    if (group) group.push(index);
    else groups.set(root, [index]);
  });
  return [...groups.values()];
}

/** The unnormalised sum of some vectors (as `clusterSums` for one group). */
function sumOf(vectors: readonly Float32Array[], indices: number[]): Float32Array {
  const sum = new Float32Array(vectors[indices[0]!]!.length);
  for (const i of indices) {
    const v = vectors[i]!;
    for (let k = 0; k < sum.length; k++) sum[k]! += v[k]!;
  }
  return sum;
}
