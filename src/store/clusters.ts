import type BetterSqlite3 from "better-sqlite3";
import type { JsonValue } from "../core/index.js";
import { idByPrefix } from "./id-prefix.js";

/** What a cluster's members have in common, counted when it was built. */
export interface ClusterStats {
  severity: Record<string, number>;
  signal_types: Record<string, number>;
  tools: Record<string, number>;
  agents: Record<string, number>;
  detectors: Record<string, number>;
  /** Graders that failed, for failures from eval attempts and gate regressions. */
  graders: Record<string, number>;
  /** Members first seen per day (UTC), oldest first, over the build's window. */
  per_day: Array<{ day: string; count: number }>;
  /** Members first seen in the window's second half against its first half. */
  trend: "rising" | "falling" | "steady" | "new";
}

export interface ClusterRecord {
  id: string;
  status: "open" | "retired";
  /** Keyword label, e.g. "order id · prefix · lookup". */
  label: string;
  keywords: Array<{ term: string; weight: number }>;
  description?: string;
  size: number;
  first_seen: string;
  last_seen: string;
  stats: ClusterStats;
  /** Failure ids, most central first. */
  representatives: string[];
  created_at: string;
  updated_at: string;
  build_id: string;
}

export interface ClusterBuildRecord {
  id: string;
  created_at: string;
  method: string;
  embedder: string;
  params: JsonValue;
  failures: number;
  clusters: number;
  unclustered: number;
}

export interface ClusterMembership {
  cluster_id: string;
  failure_id: string;
  similarity: number;
}

export interface ClusterStore {
  /**
   * One transaction: the build row, its clusters (inserted or, for a continued id, updated),
   * previous open clusters it did not continue retired, members replaced, and every
   * clustered failure's `cluster_id` set (the others' cleared).
   */
  saveBuild(
    build: ClusterBuildRecord,
    clusters: ClusterRecord[],
    members: ClusterMembership[],
    clusteredFailures: readonly string[],
  ): Promise<void>;
  get(id: string): Promise<ClusterRecord | undefined>;
  /** A unique id prefix to an id. */
  resolveId(ref: string): Promise<string | undefined>;
  /** Open clusters, largest first (`all` includes retired ones). */
  list(options?: { all?: boolean; limit?: number }): Promise<ClusterRecord[]>;
  /** Member failure ids, most similar to the centroid first. */
  members(clusterId: string): Promise<ClusterMembership[]>;
  latestBuild(): Promise<ClusterBuildRecord | undefined>;
  /**
   * New failures join open clusters between builds (one transaction): member rows, each
   * failure's `cluster_id`, and the clusters' size and last seen brought up to date.
   */
  join(members: ClusterMembership[], at: string): Promise<void>;
  setDescription(id: string, description: string): Promise<void>;
}

interface ClusterRow {
  id: string;
  status: string;
  label: string;
  keywords: string;
  description: string | null;
  size: number;
  first_seen: string;
  last_seen: string;
  stats: string;
  representatives: string;
  created_at: string;
  updated_at: string;
  build_id: string;
}

function decode(row: ClusterRow): ClusterRecord {
  return {
    id: row.id,
    status: row.status as ClusterRecord["status"],
    label: row.label,
    keywords: JSON.parse(row.keywords) as ClusterRecord["keywords"],
    ...(row.description !== null ? { description: row.description } : {}),
    size: row.size,
    first_seen: row.first_seen,
    last_seen: row.last_seen,
    stats: JSON.parse(row.stats) as ClusterStats,
    representatives: JSON.parse(row.representatives) as string[],
    created_at: row.created_at,
    updated_at: row.updated_at,
    build_id: row.build_id,
  };
}

export class SqliteClusterStore implements ClusterStore {
  readonly #db: BetterSqlite3.Database;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
  }

  async saveBuild(
    build: ClusterBuildRecord,
    clusters: ClusterRecord[],
    members: ClusterMembership[],
    clusteredFailures: readonly string[],
  ): Promise<void> {
    const db = this.#db;
    const save = db.transaction(() => {
      db.prepare(
        `INSERT INTO cluster_builds (id, created_at, method, embedder, params, failures, clusters, unclustered)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        build.id,
        build.created_at,
        build.method,
        build.embedder,
        JSON.stringify(build.params),
        build.failures,
        build.clusters,
        build.unclustered,
      );
      const kept = new Set(clusters.map((c) => c.id));
      const open = db
        .prepare("SELECT id FROM clusters WHERE status = 'open'")
        .pluck()
        .all() as string[];
      const retire = db.prepare(
        "UPDATE clusters SET status = 'retired', updated_at = ? WHERE id = ?",
      );
      for (const id of open) if (!kept.has(id)) retire.run(build.created_at, id);
      const upsert = db.prepare(
        `INSERT INTO clusters (id, status, label, keywords, description, size, first_seen, last_seen, stats, representatives, created_at, updated_at, build_id)
         VALUES (?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = 'open', label = excluded.label, keywords = excluded.keywords,
           description = coalesce(excluded.description, clusters.description), size = excluded.size,
           first_seen = min(clusters.first_seen, excluded.first_seen), last_seen = excluded.last_seen,
           stats = excluded.stats, representatives = excluded.representatives,
           updated_at = excluded.updated_at, build_id = excluded.build_id`,
      );
      for (const c of clusters) {
        upsert.run(
          c.id,
          c.label,
          JSON.stringify(c.keywords),
          c.description ?? null,
          c.size,
          c.first_seen,
          c.last_seen,
          JSON.stringify(c.stats),
          JSON.stringify(c.representatives),
          c.created_at,
          c.updated_at,
          build.id,
        );
      }
      const ids = clusters.map((c) => c.id);
      if (ids.length > 0) {
        db.prepare(
          `DELETE FROM cluster_members WHERE cluster_id IN (${ids.map(() => "?").join(", ")})`,
        ).run(...ids);
      }
      const insertMember = db.prepare(
        "INSERT INTO cluster_members (cluster_id, failure_id, similarity) VALUES (?, ?, ?)",
      );
      for (const m of members) insertMember.run(m.cluster_id, m.failure_id, m.similarity);
      const clear = db.prepare("UPDATE failures SET cluster_id = NULL WHERE id = ?");
      for (const id of clusteredFailures) clear.run(id);
      const assign = db.prepare("UPDATE failures SET cluster_id = ? WHERE id = ?");
      for (const m of members) assign.run(m.cluster_id, m.failure_id);
    });
    save.immediate();
  }

  async get(id: string): Promise<ClusterRecord | undefined> {
    const row = this.#db.prepare("SELECT * FROM clusters WHERE id = ?").get(id) as
      | ClusterRow
      | undefined;
    return row ? decode(row) : undefined;
  }

  async resolveId(ref: string): Promise<string | undefined> {
    return idByPrefix(this.#db, "clusters", ref);
  }

  async list(options: { all?: boolean; limit?: number } = {}): Promise<ClusterRecord[]> {
    const where = options.all ? "" : "WHERE status = 'open'";
    const rows = this.#db
      .prepare(`SELECT * FROM clusters ${where} ORDER BY status, size DESC, id LIMIT ?`)
      .all(options.limit ?? 1000) as ClusterRow[];
    return rows.map(decode);
  }

  async members(clusterId: string): Promise<ClusterMembership[]> {
    return this.#db
      .prepare(
        "SELECT cluster_id, failure_id, similarity FROM cluster_members WHERE cluster_id = ? ORDER BY similarity DESC, failure_id",
      )
      .all(clusterId) as ClusterMembership[];
  }

  async join(members: ClusterMembership[], at: string): Promise<void> {
    const db = this.#db;
    db.transaction(() => {
      const insert = db.prepare(
        "INSERT OR IGNORE INTO cluster_members (cluster_id, failure_id, similarity) VALUES (?, ?, ?)",
      );
      const assign = db.prepare("UPDATE failures SET cluster_id = ? WHERE id = ?");
      for (const m of members) {
        insert.run(m.cluster_id, m.failure_id, m.similarity);
        assign.run(m.cluster_id, m.failure_id);
      }
      const refresh = db.prepare(
        `UPDATE clusters SET
           size = (SELECT coalesce(sum(f.count), 0) FROM cluster_members m JOIN failures f ON f.id = m.failure_id WHERE m.cluster_id = clusters.id),
           last_seen = max(last_seen, (SELECT coalesce(max(f.last_seen), '') FROM cluster_members m JOIN failures f ON f.id = m.failure_id WHERE m.cluster_id = clusters.id)),
           updated_at = ?
         WHERE id = ?`,
      );
      for (const id of new Set(members.map((m) => m.cluster_id))) refresh.run(at, id);
    }).immediate();
  }

  async setDescription(id: string, description: string): Promise<void> {
    this.#db.prepare("UPDATE clusters SET description = ? WHERE id = ?").run(description, id);
  }

  async latestBuild(): Promise<ClusterBuildRecord | undefined> {
    const row = this.#db
      .prepare("SELECT * FROM cluster_builds ORDER BY created_at DESC, id DESC LIMIT 1")
      .get() as (Omit<ClusterBuildRecord, "params"> & { params: string }) | undefined;
    return row ? { ...row, params: JSON.parse(row.params) as JsonValue } : undefined;
  }
}
