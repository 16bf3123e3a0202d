import type { Case } from "../core/index.js";
import type { ClusterRecord, Store } from "../store/index.js";

export interface ClusterCases {
  cluster: ClusterRecord;
  /** Suite cases the cluster's failures came from, and approved eval drafts drafted from it. */
  caseIds: string[];
}

/**
 * The cases a cluster points at: the eval cases of its members (failures from eval runs and
 * gate regressions carry `case_id`) and the cases approved from its drafts. Production-only
 * clusters have none until a person approves drafts from them.
 */
export async function clusterCases(
  store: Store,
  cluster: ClusterRecord,
  known: ReadonlyMap<string, Case>,
): Promise<ClusterCases> {
  const ids = new Set<string>();
  for (const member of await store.clusters.members(cluster.id)) {
    const failure = await store.failures.get(member.failure_id);
    const caseId = failure?.context.case_id;
    if (typeof caseId === "string" && known.has(caseId)) ids.add(caseId);
  }
  for (const draft of await store.evalDrafts.list({ status: ["approved"] })) {
    if (draft.cluster_id !== cluster.id) continue;
    const id = (draft.case as { id?: unknown } | null)?.id;
    if (typeof id === "string" && known.has(id)) ids.add(id);
  }
  return { cluster, caseIds: [...ids].sort() };
}

const SEVERITY_RANK: Record<string, number> = { critical: 4, high: 3, medium: 2, low: 1 };

/** Worst first: severity-weighted size, then size, then id (stable). */
export function worstFirst(clusters: readonly ClusterRecord[]): ClusterRecord[] {
  const weight = (c: ClusterRecord) =>
    Object.entries(c.stats.severity).reduce((a, [s, n]) => a + (SEVERITY_RANK[s] ?? 1) * n, 0);
  return [...clusters].sort(
    (a, b) => weight(b) - weight(a) || b.size - a.size || a.id.localeCompare(b.id),
  );
}
