import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/test-support.js";
import { openStore } from "../store/index.js";

const EXAMPLE = new URL("../../examples/support-agent", import.meta.url).pathname;
let dir: string;
let config: string;

const ratchet = runCli;

interface BuildJson {
  failures: number;
  clusters: Array<{ id: string; size: number; label: string; stats: { severity: object } }>;
  continued: number;
  created: number;
  eval_failures_recorded: number;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-clusters-"));
  cpSync(EXAMPLE, dir, { recursive: true });
  config = join(dir, "ratchet.yaml");
  writeFileSync(config, readFileSync(config, "utf8").replace("latency_ms: 5", "latency_ms: 0"));
  expect((await ratchet("ingest", join(dir, "traces.jsonl"), "-c", config)).code).toBe(0);
  expect((await ratchet("eval", "-c", config)).code).toBe(1); // the example's baseline fails
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ratchet clusters", () => {
  it("says so when there is nothing to cluster yet", async () => {
    const empty = mkdtempSync(join(tmpdir(), "ratchet-clusters-empty-"));
    try {
      const list = await ratchet("clusters", "list", "--db", join(empty, "r.db"));
      expect(list.code).toBe(0);
      expect(list.out).toMatch(/no clusters yet/);
      const build = await ratchet("clusters", "build", "--db", join(empty, "r.db"), "--json");
      expect(build.code, build.err).toBe(0);
      expect(JSON.parse(build.out)).toMatchObject({ failures: 0, clusters: [] });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("groups production and eval failures, and a rebuild keeps every cluster's id", async () => {
    const first = await ratchet("clusters", "build", "--run", "latest", "--json", "-c", config);
    expect(first.code, first.err).toBe(0);
    const built = JSON.parse(first.out) as BuildJson;
    expect(built.eval_failures_recorded).toBeGreaterThan(0);
    expect(built.clusters.length).toBeGreaterThan(0);
    expect(built.created).toBe(built.clusters.length);

    // The same failures again (the run's attempts are already recorded): the same clusters.
    const again = JSON.parse(
      (await ratchet("clusters", "build", "--run", "latest", "--json", "-c", config)).out,
    ) as BuildJson;
    expect(again.eval_failures_recorded).toBe(0);
    expect(again.clusters.map((c) => c.id).sort()).toEqual(built.clusters.map((c) => c.id).sort());
    expect(again.continued).toBe(built.clusters.length);

    const list = await ratchet("clusters", "list", "-c", config);
    expect(list.out.split("\n")[0]).toMatch(
      /^id\s+label\s+size\s+trend\s+severity\s+tools\s+agents/,
    );
    const scoped = JSON.parse(
      (await ratchet("clusters", "list", "--tool", "lookup_order", "--json", "-c", config)).out,
    ) as Array<{ stats: { tools: Record<string, number> } }>;
    expect(scoped.length).toBeGreaterThan(0);
    expect(scoped.every((c) => (c.stats.tools.lookup_order ?? 0) > 0)).toBe(true);
    const id = built.clusters[0]?.id ?? "";
    const show = await ratchet("clusters", "show", id, "-c", config);
    expect(show.code, show.err).toBe(0);
    expect(show.out).toContain(`cluster ${id} (open)`);
    expect(show.out).toMatch(/representative members:\n {2}\S+ \[/);
  }, 120_000);

  it("lets a new failure join the cluster it resembles without a rebuild", async () => {
    const store = await openStore({ path: join(dir, ".ratchet", "ratchet.db") });
    let target: string;
    try {
      // The cluster whose most central member sits closest to its centre: a copy of that member
      // is as close as a newcomer can be.
      let cluster: Awaited<ReturnType<typeof store.clusters.list>>[number] | undefined;
      let member: Awaited<ReturnType<typeof store.clusters.members>>[number] | undefined;
      for (const candidate of await store.clusters.list()) {
        const [top] = await store.clusters.members(candidate.id);
        if (top && (!member || top.similarity > member.similarity)) {
          cluster = candidate;
          member = top;
        }
      }
      const original = await store.failures.get(member?.failure_id ?? "");
      if (!cluster || !original) throw new Error("the build left no cluster to join");
      target = cluster.id;
      const {
        id: _id,
        score: _s,
        status: _st,
        duplicate_of: _d,
        count: _c,
        first_seen: _f,
        last_seen: _l,
        cluster_id: _cl,
        ...copy
      } = original;
      await store.failures.record({ ...copy, trace_id: "trace-newcomer", fingerprint: "newcomer" });
    } finally {
      await store.close();
    }
    const assign = await ratchet("clusters", "assign", "--json", "-c", config);
    expect(assign.code, assign.err).toBe(0);
    const result = JSON.parse(assign.out) as {
      joined: number;
      byCluster: Record<string, number>;
    };
    expect(result.joined, assign.out).toBeGreaterThanOrEqual(1);
    expect(result.byCluster[target]).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it("clusters with a provider's embeddings when one is configured, cached in the store", async () => {
    const withModel = join(dir, "ratchet-embed.yaml");
    writeFileSync(
      withModel,
      `${readFileSync(config, "utf8")}\noptimization:\n  clustering:\n    embedding_model: sim:embed\n`,
    );
    const first = await ratchet("clusters", "build", "--json", "-c", withModel);
    expect(first.code, first.err).toBe(0);
    const built = JSON.parse(first.out) as BuildJson;
    expect(built.failures).toBeGreaterThan(0);
    const store = await openStore({ path: join(dir, ".ratchet", "ratchet.db") });
    try {
      const build = await store.clusters.latestBuild();
      expect(build?.embedder).toBe("sim:embed");
    } finally {
      await store.close();
    }
  }, 120_000);

  it("refuses an unknown cluster or run with exit 2", async () => {
    const show = await ratchet("clusters", "show", "clu_nope", "-c", config);
    expect(show.code).toBe(2);
    expect(show.err).toMatch(/no cluster matches 'clu_nope'/);
    const build = await ratchet("clusters", "build", "--run", "run_nope", "-c", config);
    expect(build.code).toBe(2);
    expect(build.err).toMatch(/no run matches 'run_nope'/);
  });
});
