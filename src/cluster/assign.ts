import type { RatchetConfig } from "../config/index.js";
import type { Failure } from "../core/index.js";
import type { ClusterMembership, Store } from "../store/index.js";
import { centroids } from "./centroids.js";
import { embedViews } from "./embed-failures.js";
import { failureViews } from "./failure-views.js";
import { assignToClusters } from "./incremental.js";

export interface AssignResult {
  /** Open failures in no cluster that were considered. */
  considered: number;
  joined: number;
  /** Cluster id → how many joined it. */
  byCluster: Record<string, number>;
}

/**
 * Between builds, failures in no cluster join the nearest open cluster when their similarity
 * to its centroid reaches `threshold`; the rest wait for the next build. Members and
 * newcomers are embedded together (the fitted space is not stored), so the open clusters'
 * members are read back; the clusters themselves do not change.
 */
export async function assignUnclustered(
  store: Store,
  config: RatchetConfig,
  options: { env?: NodeJS.ProcessEnv; seed?: number } = {},
): Promise<AssignResult> {
  const clustering = config.optimization.clustering;
  const open = await store.clusters.list();
  const newcomers: Failure[] = [];
  for await (const failure of store.failures.iterate({ status: ["new", "accepted"] })) {
    if (failure.cluster_id === null) newcomers.push(failure);
  }
  if (open.length === 0 || newcomers.length === 0) {
    return { considered: newcomers.length, joined: 0, byCluster: {} };
  }
  const members: Failure[] = [];
  const labels: number[] = [];
  for (const [index, cluster] of open.entries()) {
    for (const member of await store.clusters.members(cluster.id)) {
      const failure = await store.failures.get(member.failure_id);
      if (!failure) continue;
      members.push(failure);
      labels.push(index);
    }
  }
  const views = [...members, ...newcomers].map(failureViews);
  const { vectors } = await embedViews(views, { store, config, ...options });
  const centres = centroids(vectors.slice(0, members.length), labels);
  const known = open.flatMap((cluster, index) => {
    const centroid = centres.get(index);
    return centroid ? [{ id: cluster.id, centroid }] : [];
  });
  const assignments = assignToClusters(vectors.slice(members.length), known, clustering.threshold);
  const joined: ClusterMembership[] = [];
  const byCluster: Record<string, number> = {};
  assignments.forEach((assignment, i) => {
    const failure = newcomers[i];
    if (!assignment.id || !failure) return;
    joined.push({
      cluster_id: assignment.id,
      failure_id: failure.id,
      similarity: assignment.similarity,
    });
    byCluster[assignment.id] = (byCluster[assignment.id] ?? 0) + 1;
  });
  if (joined.length > 0) await store.clusters.join(joined, new Date().toISOString());
  return { considered: newcomers.length, joined: joined.length, byCluster };
}
