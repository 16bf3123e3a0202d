/**
 * `ratchet clusters build`: open failures (production and eval) → texts → offline embeddings
 * → clusters, kept to `max_clusters`, labelled, with stable ids across builds, stored.
 */
import type { OptimizationConfig, RatchetConfig } from "../config/index.js";
import { type Failure, newId } from "../core/index.js";
import type { ClusterMembership, ClusterRecord, ClusterStats, Store } from "../store/index.js";
import { centroids, dot } from "./centroids.js";
import { type ClusterMethod, clusterVectors } from "./cluster-vectors.js";
import { embedViews } from "./embed-failures.js";
import { failureText, failureViews } from "./failure-views.js";
import { matchClusterIds } from "./incremental.js";
import { clusterKeywords } from "./keywords.js";

export interface BuildOptions {
  /** ISO time: failures last seen at or after it. */
  since?: string;
  config: RatchetConfig;
  env?: NodeJS.ProcessEnv;
  seed?: number;
  now?: Date;
}

export interface BuildResult {
  buildId: string;
  failures: number;
  clusters: ClusterRecord[];
  unclustered: number;
  /** Clusters beyond `max_clusters`, whose members were left unclustered. */
  dropped: number;
  /** How each stored cluster got its id. */
  continued: number;
  created: number;
  retired: number;
}

const METHOD: Record<OptimizationConfig["clustering"]["method"], ClusterMethod> = {
  embedding_similarity: "hdbscan",
  hdbscan: "hdbscan",
  dbscan: "dbscan",
  agglomerative: "agglomerative",
};

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export async function buildClusters(store: Store, options: BuildOptions): Promise<BuildResult> {
  const now = options.now ?? new Date();
  const read: Failure[] = [];
  for await (const failure of store.failures.iterate({
    status: ["new", "accepted"],
    ...(options.since ? { since: options.since } : {}),
  })) {
    read.push(failure);
  }
  // The store lists failures by score, then id (partly random); clustering breaks ties by
  // position, so the same failures read in another order could come out as other clusters.
  // Ordered by content, the same failures always make the same clusters.
  const keyed = read.map((failure) => ({ failure, text: failureText(failure) }));
  keyed.sort(
    (a, b) =>
      compare(a.text, b.text) ||
      compare(a.failure.fingerprint, b.failure.fingerprint) ||
      compare(a.failure.trace_id, b.failure.trace_id) ||
      compare(a.failure.detector, b.failure.detector),
  );
  // A new array: spreading 100,000+ failures into splice() as arguments overflows the stack.
  const failures = keyed.map((k) => k.failure);
  const buildId = newId("cbuild");
  const settings = options.config.optimization.clustering;
  const method = METHOD[settings.method];
  const texts = keyed.map((k) => k.text);
  const embedded = await embedViews(failures.map(failureViews), {
    store,
    config: options.config,
    ...(options.env ? { env: options.env } : {}),
    seed: options.seed ?? 0,
  });
  const { vectors, dimensions } = embedded;
  const clustering = clusterVectors(vectors, {
    method,
    threshold: settings.threshold,
    // Clusters as alike as a failure must be to join one are one problem (see merge.ts).
    mergeSimilarity: settings.threshold,
    seed: options.seed ?? 0,
  });

  // Largest first; beyond max_clusters the rest stay unclustered rather than be forced in.
  const sizes = new Map<number, number>();
  for (const label of clustering.labels)
    if (label >= 0) sizes.set(label, (sizes.get(label) ?? 0) + 1);
  const ranked = [...sizes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const kept = new Set(ranked.slice(0, settings.max_clusters).map(([label]) => label));
  const labels = Int32Array.from(clustering.labels, (label) => (kept.has(label) ? label : -1));

  const centres = centroids(vectors, labels);
  const keywords = new Map(clusterKeywords(texts, labels).map((k) => [k.cluster, k]));
  const membersOf = new Map<number, number[]>();
  labels.forEach((label, index) => {
    if (label < 0) return;
    const list = membersOf.get(label) ?? [];
    list.push(index);
    membersOf.set(label, list);
  });
  const order = [...membersOf.keys()].sort(
    (a, b) => (membersOf.get(b)?.length ?? 0) - (membersOf.get(a)?.length ?? 0) || a - b,
  );

  // Previous open clusters, their centroids recomputed in this build's space from the members
  // still present, so that a continued problem keeps its id.
  const indexOf = new Map(failures.map((f, i) => [f.id, i]));
  const previous = [];
  for (const old of await store.clusters.list()) {
    const members = (await store.clusters.members(old.id)).map((m) => m.failure_id);
    const present = members
      .map((id) => indexOf.get(id))
      .filter((i): i is number => i !== undefined);
    const centroid = meanVector(
      present.map((i) => vectors[i] as Float32Array),
      dimensions,
    );
    previous.push({ id: old.id, members, centroid });
  }
  const stable = matchClusterIds(
    previous,
    order.map((label) => ({
      members: (membersOf.get(label) ?? []).map((i) => failures[i]?.id ?? ""),
      centroid: centres.get(label) ?? new Float32Array(dimensions),
    })),
    () => newId("clu"),
    { minCentroidSimilarity: settings.threshold },
  );

  const records: ClusterRecord[] = [];
  const members: ClusterMembership[] = [];
  const windowStart = options.since ? new Date(options.since) : earliest(failures, now);
  order.forEach((label, rank) => {
    const id = stable.ids[rank] ?? newId("clu");
    const indices = membersOf.get(label) ?? [];
    const centre = centres.get(label);
    const scored = indices
      .map((i) => ({ i, similarity: centre ? dot(vectors[i] as Float32Array, centre) : 0 }))
      .sort((a, b) => b.similarity - a.similarity || a.i - b.i);
    for (const { i, similarity } of scored) {
      members.push({ cluster_id: id, failure_id: failures[i]?.id ?? "", similarity });
    }
    const group = scored.map(({ i }) => failures[i] as Failure);
    const kw = keywords.get(label);
    const stats = clusterStats(group, windowStart, now);
    records.push({
      id,
      status: "open",
      label: kw?.label || group[0]?.signal_type || "unlabelled",
      keywords: kw?.terms ?? [],
      description: describeFromEvidence(group, stats),
      size: group.reduce((sum, f) => sum + f.count, 0),
      first_seen: minOf(group.map((f) => f.first_seen)),
      last_seen: maxOf(group.map((f) => f.last_seen)),
      stats,
      representatives: group.slice(0, 5).map((f) => f.id),
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
      build_id: buildId,
    });
  });

  await store.clusters.saveBuild(
    {
      id: buildId,
      created_at: now.toISOString(),
      method: settings.method,
      embedder: embedded.embedder,
      params: {
        threshold: settings.threshold,
        max_clusters: settings.max_clusters,
        min_cluster_size: clustering.minClusterSize,
        sampled: clustering.sampled ?? null,
        since: options.since ?? null,
      },
      failures: failures.length,
      clusters: records.length,
      unclustered: labels.filter((l) => l < 0).length,
    },
    records,
    members,
    failures.map((f) => f.id),
  );
  return {
    buildId,
    failures: failures.length,
    clusters: records,
    unclustered: labels.filter((l) => l < 0).length,
    dropped: Math.max(0, ranked.length - kept.size),
    continued: stable.how.filter((h) => h !== "new").length,
    created: stable.how.filter((h) => h === "new").length,
    retired: stable.retired.length,
  };
}

function clusterStats(group: Failure[], windowStart: Date, now: Date): ClusterStats {
  const count = (values: Iterable<string>) => {
    const out: Record<string, number> = {};
    for (const value of values) out[value] = (out[value] ?? 0) + 1;
    return out;
  };
  const days = new Map<string, number>();
  const span = Math.max(1, now.getTime() - windowStart.getTime());
  const middle = windowStart.getTime() + span / 2;
  let early = 0;
  let late = 0;
  for (const failure of group) {
    const t = Date.parse(failure.first_seen);
    const day = new Date(t).toISOString().slice(0, 10);
    days.set(day, (days.get(day) ?? 0) + 1);
    if (t < middle) early++;
    else late++;
  }
  const trend: ClusterStats["trend"] =
    early === 0 ? "new" : late > early * 1.5 ? "rising" : late * 1.5 < early ? "falling" : "steady";
  return {
    severity: count(group.map((f) => f.severity)),
    signal_types: count(group.map((f) => f.signal_type)),
    tools: count(group.flatMap((f) => [...new Set(f.tool_calls.map((c) => c.name))])),
    agents: count(group.flatMap((f) => (f.agent ? [f.agent] : []))),
    detectors: count(group.map((f) => f.detector)),
    graders: count(group.flatMap((f) => gradersOf(f))),
    per_day: [...days.entries()].sort().map(([day, n]) => ({ day, count: n })),
    trend,
  };
}

function meanVector(vectors: Float32Array[], dimensions: number): Float32Array {
  const out = new Float32Array(dimensions);
  if (vectors.length === 0) return out;
  for (const v of vectors)
    for (let d = 0; d < dimensions; d++) out[d] = (out[d] ?? 0) + (v[d] ?? 0);
  let norm = 0;
  for (let d = 0; d < dimensions; d++) norm += (out[d] ?? 0) ** 2;
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < dimensions; d++) out[d] = (out[d] ?? 0) / norm;
  return out;
}

const minOf = (values: string[]): string => values.reduce((a, b) => (b < a ? b : a));
const maxOf = (values: string[]): string => values.reduce((a, b) => (b > a ? b : a));

function earliest(failures: Failure[], now: Date): Date {
  if (failures.length === 0) return now;
  return new Date(minOf(failures.map((f) => f.first_seen)));
}

function gradersOf(failure: Failure): string[] {
  const graders = failure.context.graders;
  return Array.isArray(graders) ? [...new Set(graders.map(String))] : [];
}

/**
 * A description written from the evidence alone (no model): what kind of failure, where it
 * comes from, which tools, agents and graders, and the most central member's reason.
 */
export function describeFromEvidence(group: Failure[], stats: ClusterStats): string {
  const most = (counts: Record<string, number>) =>
    Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  const signal = most(stats.signal_types);
  const parts = [
    `${group.length} failure${group.length === 1 ? "" : "s"}, mostly ${signal ? signal[0].replace(/_/g, " ") : "unknown"}`,
  ];
  const tool = most(stats.tools);
  if (tool) parts.push(`around the tool ${tool[0]}`);
  const agent = most(stats.agents);
  if (agent) parts.push(`in the agent ${agent[0]}`);
  const grader = most(stats.graders);
  if (grader) parts.push(`failing ${grader[0]}`);
  const example = group[0]?.reason.replace(/\s+/g, " ").slice(0, 200);
  return `${parts.join(", ")}${example ? `; e.g. "${example}"` : ""}.`;
}
