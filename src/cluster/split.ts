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
import { dot } from "./centroids.js";
import { normalize } from "./embedder.js";

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
  const out = Int32Array.from(labels);
  let next = 0;
  for (const label of labels) if (label >= next) next = label + 1;
  for (const list of members.values()) {
    if (list.length < 2 * minGroup || list.length > maxMembers) continue;
    for (const group of tightGroups(vectors, list, tight)) {
      if (group.length < minGroup || list.length - group.length < minGroup) continue;
      const inGroup = new Set(group);
      const rest = list.filter((i) => !inGroup.has(i));
      if (dot(centroidOf(vectors, group), centroidOf(vectors, rest)) >= options.similarity)
        continue;
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
    const centres = [...members.values()].map((list) => centroidOf(vectors, list));
    for (const group of tightGroups(vectors, noise, tight)) {
      if (group.length < minGroup) continue;
      const centre = centroidOf(vectors, group);
      if (centres.some((c) => dot(c, centre) >= options.similarity)) continue;
      for (const i of group) out[i] = next;
      next++;
    }
  }
  return renumber(out);
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

function centroidOf(vectors: readonly Float32Array[], indices: number[]): Float32Array {
  const sum = new Float32Array(vectors[indices[0]!]!.length);
  for (const i of indices) {
    const v = vectors[i]!;
    for (let k = 0; k < sum.length; k++) sum[k]! += v[k]!;
  }
  return normalize(sum);
}

function renumber(labels: Int32Array): Int32Array {
  const map = new Map<number, number>();
  return Int32Array.from(labels, (label) => {
    if (label < 0) return -1;
    if (!map.has(label)) map.set(label, map.size);
    return map.get(label)!;
  });
}
