/**
 * Between rebuilds: new vectors join the nearest existing cluster when close enough, and a
 * rebuild's clusters inherit the ids of the previous build's clusters they continue.
 */
import { dot } from "./centroids.js";

export interface KnownCluster {
  id: string;
  centroid: Float32Array;
}

export interface Assignment {
  /** Id of the cluster joined, or undefined for unclustered. */
  id: string | undefined;
  similarity: number;
}

/**
 * Nearest centroid by cosine (vectors and centroids l2-normalised); joins it when the
 * similarity is ≥ `threshold` (the config's `threshold`, 0.75 by default), else unclustered.
 * Ties go to the cluster listed first.
 */
export function assignToClusters(
  vectors: readonly Float32Array[],
  clusters: readonly KnownCluster[],
  threshold: number,
): Assignment[] {
  return vectors.map((vector) => {
    let best: KnownCluster | undefined;
    let bestSimilarity = Number.NEGATIVE_INFINITY;
    for (const cluster of clusters) {
      const s = dot(vector, cluster.centroid);
      if (s > bestSimilarity) {
        bestSimilarity = s;
        best = cluster;
      }
    }
    if (!best) return { id: undefined, similarity: 0 };
    return { id: bestSimilarity >= threshold ? best.id : undefined, similarity: bestSimilarity };
  });
}

export interface PreviousCluster {
  id: string;
  members: ReadonlySet<string> | readonly string[];
  centroid: Float32Array;
}

export interface RebuiltCluster {
  /** Member ids (failure ids), not indices, so they are comparable across builds. */
  members: readonly string[];
  centroid: Float32Array;
}

export interface MatchOptions {
  /** A pair sharing at least this Jaccard overlap of members is the same cluster. */
  minJaccard: number;
  /** Failing that, a pair whose centroids are at least this similar is the same cluster. */
  minCentroidSimilarity: number;
}

export const DEFAULT_MATCH: MatchOptions = { minJaccard: 0.3, minCentroidSimilarity: 0.75 };

export interface StableIds {
  /** Id of each rebuilt cluster, in input order. */
  ids: string[];
  /** How each id was decided. */
  how: Array<"members" | "centroid" | "new">;
  /** Previous ids no rebuilt cluster continues. */
  retired: string[];
}

/**
 * Matches greedily, best pair first: first by member overlap (Jaccard), then the remaining
 * clusters by centroid similarity; whatever is left gets a fresh id from `newId`.
 */
export function matchClusterIds(
  previous: readonly PreviousCluster[],
  rebuilt: readonly RebuiltCluster[],
  newId: () => string,
  overrides: Partial<MatchOptions> = {},
): StableIds {
  const options = { ...DEFAULT_MATCH, ...overrides };
  const ownerOf = new Map<string, number>();
  const previousSize = previous.map((p, i) => {
    const members = [...p.members];
    for (const m of members) ownerOf.set(m, i);
    return new Set(members).size;
  });
  const overlapPairs: Array<{ old: number; fresh: number; score: number }> = [];
  rebuilt.forEach((cluster, fresh) => {
    const shared = new Map<number, number>();
    const unique = new Set(cluster.members);
    for (const m of unique) {
      const old = ownerOf.get(m);
      if (old !== undefined) shared.set(old, (shared.get(old) ?? 0) + 1);
    }
    for (const [old, both] of shared) {
      const score = both / (previousSize[old]! + unique.size - both);
      if (score >= options.minJaccard) overlapPairs.push({ old, fresh, score });
    }
  });
  const ids: Array<string | undefined> = rebuilt.map(() => undefined);
  const how: StableIds["how"] = rebuilt.map(() => "new");
  const taken = new Set<number>();
  const take = (pairs: typeof overlapPairs, kind: "members" | "centroid") => {
    pairs.sort((a, b) => b.score - a.score || a.fresh - b.fresh || a.old - b.old);
    for (const { old, fresh } of pairs) {
      if (taken.has(old) || ids[fresh] !== undefined) continue;
      taken.add(old);
      ids[fresh] = previous[old]!.id;
      how[fresh] = kind;
    }
  };
  take(overlapPairs, "members");
  const centroidPairs: typeof overlapPairs = [];
  rebuilt.forEach((cluster, fresh) => {
    if (ids[fresh] !== undefined) return;
    previous.forEach((p, old) => {
      if (taken.has(old)) return;
      const score = dot(cluster.centroid, p.centroid);
      if (score >= options.minCentroidSimilarity) centroidPairs.push({ old, fresh, score });
    });
  });
  take(centroidPairs, "centroid");
  return {
    ids: ids.map((id) => id ?? newId()),
    how,
    retired: previous.filter((_, i) => !taken.has(i)).map((p) => p.id),
  };
}
