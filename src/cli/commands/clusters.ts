import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { assignUnclustered, buildClusters, describeClusters } from "../../cluster/index.js";
import { errorMessage, type Failure, InputError } from "../../core/index.js";
import { judgeRuntimeFromConfig } from "../../graders/judge/index.js";
import { harnessTicket, recommendTrack, type TrackRecommendation } from "../../loop/index.js";
import { parseSince, recordRunFailures } from "../../mining/index.js";
import { formatTopCounts } from "../../report/index.js";
import type { ClusterMembership, ClusterRecord, Store } from "../../store/index.js";
import { parseIntOption } from "../options.js";
import type { Output } from "../output.js";
import { withProject } from "../project.js";

interface ProjectOptions {
  config?: string;
  db?: string;
}

/** `-c` given after a subcommand is parsed as the parent's option: read both. */
const merged = <T extends object>(own: T, command: Command): T & ProjectOptions => ({
  ...(command.parent?.opts() as ProjectOptions),
  ...own,
});

export function registerClusters(program: Command, output: Output): void {
  const clusters = program
    .command("clusters")
    .description("failures grouped into named problems: build, list, show, ticket")
    .option("-c, --config <path>", "config file")
    .option("--db <path>", "SQLite store (default: the config's store.path)");

  clusters
    .command("build")
    .description("cluster open failures (production, gate regressions, and eval runs given)")
    .option("--since <when>", "failures last seen in this window: 7d, 24h or an ISO date")
    .option("--run <ref...>", "also the failed attempts of these eval runs (e.g. latest)")
    .option("--describe", "a model writes each cluster's description (default: from the evidence)")
    .option("--model <spec>", "the model for --describe (default: evaluation.judge_model)")
    .option("--json", "machine-readable")
    .action(
      async (
        own: { since?: string; run?: string[]; json?: boolean; describe?: boolean; model?: string },
        command: Command,
      ) => {
        const flags = merged(own, command);
        const since =
          flags.since === undefined ? undefined : new Date(parseSince(flags.since)).toISOString();
        await withProject(flags, async ({ store, config, dir }) => {
          const describeWith = flags.describe
            ? (flags.model ?? config.evaluation.judge_model)
            : undefined;
          if (flags.describe && !describeWith) {
            throw new InputError(
              "--describe needs a model: --model provider:model or evaluation.judge_model in ratchet.yaml",
              { key: "--model" },
            );
          }
          const fromRuns = await recordRunsFailures(
            store,
            flags.run ?? [],
            config.mining.severity_weights,
          );
          const started = performance.now();
          const result = await buildClusters(store, {
            ...(since ? { since } : {}),
            config,
            seed: config.pipeline.seed,
          });
          const described = describeWith
            ? await describeClusters(
                store,
                result.clusters,
                judgeRuntimeFromConfig(config, { cwd: dir, store }).model(describeWith),
              )
            : undefined;
          const seconds = (performance.now() - started) / 1000;
          if (flags.json) {
            output.out(
              JSON.stringify(
                { ...result, eval_failures_recorded: fromRuns, described, seconds },
                null,
                2,
              ),
            );
            return;
          }
          if (fromRuns > 0) output.err(`recorded ${fromRuns} failed eval attempt(s) as failures`);
          output.out(
            `clustered ${result.failures} failures in ${seconds.toFixed(2)} s: ${result.clusters.length} clusters (${result.continued} continued, ${result.created} new, ${result.retired} retired), ${result.unclustered} unclustered${result.dropped ? `, ${result.dropped} smaller clusters over optimization.clustering.max_clusters left unclustered` : ""}`,
          );
          for (const kept of described?.kept ?? []) {
            output.err(
              `${kept.id}: ${describeWith} gave ${kept.why}; kept the description from the evidence`,
            );
          }
          if (result.clusters.length > 0) output.out(renderList(result.clusters));
        });
      },
    );

  clusters
    .command("assign")
    .description("failures in no cluster join the nearest open cluster when close enough")
    .option("--run <ref...>", "also the failed attempts of these eval runs")
    .option("--json", "machine-readable")
    .action(async (own: { run?: string[]; json?: boolean }, command: Command) => {
      const flags = merged(own, command);
      await withProject(flags, async ({ store, config }) => {
        await recordRunsFailures(store, flags.run ?? [], config.mining.severity_weights);
        const result = await assignUnclustered(store, config, { seed: config.pipeline.seed });
        if (flags.json) {
          output.out(JSON.stringify(result, null, 2));
          return;
        }
        output.out(
          `${result.joined} of ${result.considered} unclustered failures joined a cluster${result.joined < result.considered ? "; the rest wait for the next `clusters build`" : ""}`,
        );
      });
    });

  clusters
    .command("list")
    .description("open clusters, largest first: label, size, trend, severity mix, tools, agents")
    .option("--all", "retired clusters too")
    .option("--agent <name>", "only clusters whose failures involve this agent")
    .option("--tool <name>", "only clusters whose failures involve this tool")
    .option("-n, --limit <n>", "at most this many", parseIntOption("--limit", 1, 100_000), 50)
    .option("--json", "machine-readable")
    .action(
      async (
        own: { all?: boolean; limit: number; json?: boolean; agent?: string; tool?: string },
        command: Command,
      ) => {
        const flags = merged(own, command);
        await withProject(flags, async ({ store }) => {
          const list = (
            await store.clusters.list({ all: flags.all === true, limit: flags.limit })
          ).filter(
            (c) =>
              (flags.agent === undefined || (c.stats.agents[flags.agent] ?? 0) > 0) &&
              (flags.tool === undefined || (c.stats.tools[flags.tool] ?? 0) > 0),
          );
          if (flags.json) {
            output.out(JSON.stringify(list, null, 2));
            return;
          }
          output.out(
            list.length > 0
              ? renderList(list)
              : flags.agent || flags.tool
                ? "no cluster involves that agent or tool"
                : "no clusters yet; run `ratchet clusters build`",
          );
        });
      },
    );

  clusters
    .command("show <id>")
    .description(
      "a cluster: description, track to fix it in, representative members, first and last seen",
    )
    .option("--json", "machine-readable")
    .action(async (ref: string, own: { json?: boolean }, command: Command) => {
      const flags = merged(own, command);
      await withProject(flags, async ({ store }) => {
        const cluster = await resolveCluster(store, ref);
        const members = await store.clusters.members(cluster.id);
        const failures = await memberFailures(store, members);
        const recommendation = recommendTrack(cluster, failures);
        if (flags.json) {
          output.out(JSON.stringify({ ...cluster, members, recommendation }, null, 2));
          return;
        }
        output.out(await renderCluster(store, cluster, members.length, recommendation));
      });
    });

  clusters
    .command("ticket <id>")
    .description(
      "a Markdown harness proposal for a cluster: what fails, the evidence, what to change, how to verify",
    )
    .option("--out <file>", "write the ticket to this file instead of printing it")
    .action(async (ref: string, own: { out?: string }, command: Command) => {
      const flags = merged(own, command);
      await withProject(flags, async ({ store }) => {
        const cluster = await resolveCluster(store, ref);
        const failures = await memberFailures(store, await store.clusters.members(cluster.id));
        const recommendation = recommendTrack(cluster, failures);
        const ticket = harnessTicket(cluster, failures, recommendation);
        if (flags.out === undefined) {
          output.out(ticket);
          return;
        }
        const path = resolve(flags.out);
        try {
          await mkdir(dirname(path), { recursive: true });
          await writeFile(path, ticket);
        } catch (error) {
          throw new InputError(`cannot write ${flags.out}: ${errorMessage(error)}`, {
            key: "--out",
          });
        }
        output.err(`wrote ${flags.out} (track: ${trackLine(recommendation)})`);
      });
    });
}

async function resolveCluster(store: Store, ref: string): Promise<ClusterRecord> {
  const id = await store.clusters.resolveId(ref);
  const cluster = id ? await store.clusters.get(id) : undefined;
  if (!cluster) {
    throw new InputError(`no cluster matches '${ref}' (see \`ratchet clusters list\`)`, {
      key: "<id>",
    });
  }
  return cluster;
}

/** The member failures themselves, most central first (the recommender reads them all). */
async function memberFailures(
  store: Store,
  members: readonly ClusterMembership[],
): Promise<Failure[]> {
  const failures: Failure[] = [];
  for (const member of members) {
    const failure = await store.failures.get(member.failure_id);
    if (failure) failures.push(failure);
  }
  return failures;
}

/** "code, harness tools (confidence 0.85)". */
function trackLine(recommendation: TrackRecommendation): string {
  const harness = recommendation.harness ? `, harness ${recommendation.harness.kind}` : "";
  return `${recommendation.track}${harness} (confidence ${recommendation.confidence.toFixed(2)})`;
}

async function recordRunsFailures(
  store: Store,
  refs: string[],
  severityWeights: Parameters<typeof recordRunFailures>[2],
): Promise<number> {
  let recorded = 0;
  for (const ref of refs) {
    const id = await store.resolveRunId(ref);
    if (!id) throw new InputError(`no run matches '${ref}'`, { key: "--run" });
    recorded += await recordRunFailures(store, id, severityWeights);
  }
  return recorded;
}

function renderList(list: ClusterRecord[]): string {
  const rows = list.map((c) => [
    c.id,
    c.status === "retired" ? `${c.label} (retired)` : c.label,
    String(c.size),
    c.stats.trend,
    formatTopCounts(c.stats.severity),
    formatTopCounts(c.stats.tools) || "-",
    formatTopCounts(c.stats.agents) || "-",
  ]);
  const header = ["id", "label", "size", "trend", "severity", "tools", "agents"];
  const widths = header.map((h, i) =>
    Math.min(48, Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length))),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) =>
        c.length > (widths[i] ?? 0)
          ? `${c.slice(0, (widths[i] ?? 1) - 1)}…`
          : c.padEnd(widths[i] ?? 0),
      )
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

async function renderCluster(
  store: Store,
  cluster: ClusterRecord,
  memberCount: number,
  recommendation: TrackRecommendation,
): Promise<string> {
  const lines = [
    `cluster ${cluster.id} (${cluster.status}): ${cluster.label}`,
    ...(cluster.description ? [cluster.description] : []),
    `size ${cluster.size} (${memberCount} distinct failures), first seen ${cluster.first_seen}, last seen ${cluster.last_seen}, trend ${cluster.stats.trend}`,
    `keywords: ${cluster.keywords.map((k) => k.term).join(", ") || "-"}`,
    `severity: ${formatTopCounts(cluster.stats.severity, 10)}`,
    `signals: ${formatTopCounts(cluster.stats.signal_types, 10)}`,
    `detectors: ${formatTopCounts(cluster.stats.detectors, 10)}`,
    `graders: ${formatTopCounts(cluster.stats.graders ?? {}, 10) || "-"}`,
    `tools: ${formatTopCounts(cluster.stats.tools, 10) || "-"}`,
    `agents: ${formatTopCounts(cluster.stats.agents, 10) || "-"}`,
    `per day: ${cluster.stats.per_day.map((d) => `${d.day} ${d.count}`).join(", ")}`,
    `track: ${trackLine(recommendation)}: ${recommendation.reasons[0] ?? "-"}`,
    ...(recommendation.harness
      ? [`  a harness proposal with the evidence: ratchet clusters ticket ${cluster.id}`]
      : []),
    "",
    "representative members:",
  ];
  for (const id of cluster.representatives) {
    const failure = await store.failures.get(id);
    if (!failure) continue;
    lines.push(
      `  ${failure.id} [${failure.signal_type}, ${failure.severity}] ${failure.reason.slice(0, 160)}`,
    );
  }
  return lines.join("\n");
}
