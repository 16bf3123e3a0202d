/**
 * "Close enough to join": a vector joins the cluster with the nearest centroid when it is at
 * least as similar to that centroid as the cluster's own members are (the `quantile` of
 * their member-to-centroid similarities; 0 = the least central member). Used for the points
 * outside a clustered sample, and optionally for HDBSCAN's outliers that sit inside a
 * cluster's extent. Anything farther stays unclustered.
 */
import { centroids, dot } from "./centroids.js";

export function absorbInto(
  vectors: readonly Float32Array[],
  labels: Int32Array,
  candidates: Iterable<number>,
  quantile: number,
): void {
  const centres = centroids(vectors, labels);
  const ids = [...centres.keys()];
  if (ids.length === 0) return;
  const members = new Map<number, number[]>();
  vectors.forEach((v, i) => {
    const label = labels[i]!;
    if (label < 0) return;
    const list = members.get(label) ?? [];
    list.push(dot(v, centres.get(label)!));
    members.set(label, list);
  });
  const radius = ids.map((id) => {
    const list = members.get(id)!.sort((a, b) => a - b);
    return list[Math.min(list.length - 1, Math.floor(quantile * list.length))]!;
  });
  const centreList = ids.map((id) => centres.get(id)!);
  const joined: Array<[number, number]> = [];
  for (const i of candidates) {
    let best = -1;
    let bestSimilarity = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < centreList.length; c++) {
      const s = dot(vectors[i]!, centreList[c]!);
      if (s > bestSimilarity) {
        bestSimilarity = s;
        best = c;
      }
    }
    if (bestSimilarity >= radius[best]!) joined.push([i, ids[best]!]);
  }
  // Applied after the scan so the radii do not move while candidates are judged.
  for (const [i, label] of joined) labels[i] = label;
}
