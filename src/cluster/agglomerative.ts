/**
 * Agglomerative clustering cut at a distance threshold, average or complete linkage, by the
 * nearest-neighbour chain algorithm (O(n²) time on the n × n matrix, which it overwrites in
 * a copy with the Lance–Williams updates). Both linkages are reducible, so the merges at or
 * below the threshold are exactly the clusters of the dendrogram cut there, whatever order
 * the chain finds them in. For text vectors the threshold is 1 − similarity (the config's
 * `threshold: 0.75` is a similarity, so a cut at distance 0.25).
 */
import type { DistanceMatrix } from "./distance.js";

export type Linkage = "average" | "complete";

export interface AgglomerativeOptions {
  linkage: Linkage;
  /** Merge while the linkage distance is ≤ this. */
  distanceThreshold: number;
  /** Clusters smaller than this are reported as unclustered (-1); default 2. */
  minClusterSize?: number;
}

export function agglomerative(matrix: DistanceMatrix, options: AgglomerativeOptions): Int32Array {
  const { n } = matrix;
  const d = Float32Array.from(matrix.data);
  const size = new Int32Array(n).fill(1);
  const active = new Uint8Array(n).fill(1);
  const union = new Int32Array(n).map((_, i) => i);
  const find = (x: number): number => {
    while (union[x] !== x) {
      union[x] = union[union[x]!]!;
      x = union[x]!;
    }
    return x;
  };
  const chain: number[] = [];
  let remaining = n;
  while (remaining > 1) {
    if (chain.length === 0) {
      let start = 0;
      while (!active[start]) start++;
      chain.push(start);
    }
    const a = chain[chain.length - 1]!;
    const previous = chain.length > 1 ? chain[chain.length - 2]! : -1;
    // Nearest active neighbour of a; prefer the previous chain element on ties so the
    // chain ends at a reciprocal pair.
    let b = previous;
    let best = previous >= 0 ? d[a * n + previous]! : Number.POSITIVE_INFINITY;
    for (let j = 0; j < n; j++) {
      if (j === a || !active[j]) continue;
      const v = d[a * n + j]!;
      if (v < best) {
        best = v;
        b = j;
      }
    }
    if (b !== previous) {
      chain.push(b);
      continue;
    }
    chain.pop();
    chain.pop();
    // Merge b into a (row a holds the union from now on).
    if (best <= options.distanceThreshold) union[find(b)] = find(a);
    const sa = size[a]!;
    const sb = size[b]!;
    for (let k = 0; k < n; k++) {
      if (!active[k] || k === a || k === b) continue;
      const dak = d[a * n + k]!;
      const dbk = d[b * n + k]!;
      const merged =
        options.linkage === "average" ? (sa * dak + sb * dbk) / (sa + sb) : Math.max(dak, dbk);
      d[a * n + k] = merged;
      d[k * n + a] = merged;
    }
    size[a] = sa + sb;
    active[b] = 0;
    remaining--;
  }
  return relabel(
    Int32Array.from({ length: n }, (_, i) => find(i)),
    options.minClusterSize ?? 2,
  );
}

/** Roots → 0-based labels in order of first appearance; small groups → -1. */
function relabel(roots: Int32Array, minClusterSize: number): Int32Array {
  const counts = new Map<number, number>();
  for (const r of roots) counts.set(r, (counts.get(r) ?? 0) + 1);
  const ids = new Map<number, number>();
  return roots.map((r) => {
    if ((counts.get(r) ?? 0) < minClusterSize) return -1;
    let id = ids.get(r);
    if (id === undefined) {
      id = ids.size;
      ids.set(r, id);
    }
    return id;
  });
}
