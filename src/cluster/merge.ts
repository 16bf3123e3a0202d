/**
 * Clusters that are one problem by the config's own measure are merged: while two clusters'
 * centroids are at least `similarity` alike (cosine, the config's `threshold`), the closest
 * pair becomes one cluster. A density method splits any two tight groups, however close (eval
 * failures repeat the same evidence epoch after epoch, so their groups are very tight); but a
 * failure that similar to a centroid would join that cluster between builds
 * (`assignToClusters`), so two clusters that similar could not be told apart by their members.
 * Labels are renumbered 0..k-1 in order of first appearance; -1 stays -1.
 */
import { clusterSums, dot } from "./centroids.js";
import { normalize } from "./embedder.js";
import { renumberLabels } from "./labels.js";

export function mergeSimilarClusters(
  vectors: readonly Float32Array[],
  labels: Int32Array,
  similarity: number,
): Int32Array {
  // Unnormalised sums: a merged cluster's centroid is the mean of all its members.
  const sums = clusterSums(vectors, labels);
  const centre = (label: number) => normalize(Float32Array.from(sums.get(label)!));
  const into = new Map<number, number>();
  const centres = new Map([...sums.keys()].map((label) => [label, centre(label)]));
  for (;;) {
    let best: { a: number; b: number; s: number } | undefined;
    const live = [...centres.keys()].sort((x, y) => x - y);
    for (let i = 0; i < live.length; i++) {
      for (let j = i + 1; j < live.length; j++) {
        const a = live[i]!;
        const b = live[j]!;
        const s = dot(centres.get(a)!, centres.get(b)!);
        if (s >= similarity && (!best || s > best.s)) best = { a, b, s };
      }
    }
    if (!best) break;
    const { a, b } = best;
    const sum = sums.get(a)!;
    const other = sums.get(b)!;
    for (let k = 0; k < sum.length; k++) sum[k]! += other[k]!;
    centres.delete(b);
    centres.set(a, centre(a));
    into.set(b, a);
  }
  const root = (label: number): number => {
    let at = label;
    while (into.has(at)) at = into.get(at)!;
    return at;
  };
  return renumberLabels(labels, root);
}
