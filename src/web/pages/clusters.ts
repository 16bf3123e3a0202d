import { html } from "hono/html";
import { type Attribution, attributeHeuristic, loadTrajectory } from "../../attribute/index.js";
import { type Failure, isInputError } from "../../core/index.js";
import { recommendTrack, type TrackRecommendation } from "../../loop/index.js";
import { formatTopCounts } from "../../report/index.js";
import type { ClusterRecord, Store } from "../../store/index.js";
import { pageOf, pager, when } from "../format.js";
import { empty, type Html, page } from "../layout.js";
import type { PageContext } from "../types.js";
import { clip, failureLink } from "./failures.js";

const PAGE = 50;
/** Members the list reads per cluster for its track: the most central ones. */
const LIST_MEMBERS = 50;
/** Members the cluster page lists (most central first). */
const SHOWN_MEMBERS = 50;

/** Members first seen per day as an inline SVG line; the numbers are in its label. */
export function sparkline(perDay: ReadonlyArray<{ day: string; count: number }>): Html {
  const w = 120;
  const h = 24;
  const label = perDay.map((d) => `${d.day}: ${d.count}`).join(", ") || "no data";
  if (perDay.length === 0) return html`<span class="muted">—</span>`;
  const max = Math.max(1, ...perDay.map((d) => d.count));
  const y = (count: number) => (h - 2 - (count / max) * (h - 4)).toFixed(1);
  const step = w / Math.max(1, perDay.length - 1);
  // One day is a dot: a line needs two points.
  const mark =
    perDay.length === 1
      ? html`<circle cx="${w / 2}" cy="${y(perDay[0]?.count ?? 0)}" r="2.5" fill="#0b57d0"/>`
      : html`<polyline fill="none" stroke="#0b57d0" stroke-width="1.5" points="${perDay
          .map((d, i) => `${(i * step).toFixed(1)},${y(d.count)}`)
          .join(" ")}"/>`;
  return html`<svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="members per day: ${label}"><title>${label}</title>${mark}</svg>`;
}

async function failuresOf(store: Store, ids: readonly string[]): Promise<Failure[]> {
  const out: Failure[] = [];
  for (const id of ids) {
    const f = await store.failures.get(id);
    if (f) out.push(f);
  }
  return out;
}

/** The track to fix a cluster in, as `ratchet clusters show` recommends it. */
async function trackOf(
  store: Store,
  cluster: ClusterRecord,
  limit?: number,
): Promise<TrackRecommendation> {
  const members = await store.clusters.members(cluster.id);
  const ids = (limit === undefined ? members : members.slice(0, limit)).map((m) => m.failure_id);
  return recommendTrack(cluster, await failuresOf(store, ids));
}

const trackLine = (r: TrackRecommendation): string =>
  `${r.track}${r.harness ? `, harness ${r.harness.kind}` : ""} (confidence ${r.confidence.toFixed(2)})`;

/** Open clusters (the latest build's), largest first, filtered by agent or tool like the CLI. */
export async function clustersPage(ctx: PageContext, url: URL): Promise<Html> {
  const q = (k: string) => url.searchParams.get(k)?.trim() || undefined;
  const filter = { agent: q("agent"), tool: q("tool"), all: q("all") === "1" ? "1" : undefined };
  const build = await ctx.store.clusters.latestBuild();
  const all = (await ctx.store.clusters.list({ all: filter.all === "1", limit: 100_000 })).filter(
    (c) =>
      (filter.agent === undefined || (c.stats.agents[filter.agent] ?? 0) > 0) &&
      (filter.tool === undefined || (c.stats.tools[filter.tool] ?? 0) > 0),
  );
  const p = pageOf(url);
  const shown = all.slice(p * PAGE, (p + 1) * PAGE);
  const tracks = new Map<string, TrackRecommendation>();
  for (const c of shown) tracks.set(c.id, await trackOf(ctx.store, c, LIST_MEMBERS));
  const form = html`<form class="filters" method="get" action="/clusters">
<label>Agent<input name="agent" value="${filter.agent ?? ""}"></label>
<label>Tool<input type="search" name="tool" value="${filter.tool ?? ""}"></label>
<label>Retired too<select name="all"><option value="">no</option><option value="1" ${filter.all ? "selected" : ""}>yes</option></select></label>
<button>Filter</button></form>`;
  const body =
    build === undefined
      ? empty("No clusters yet.", "npx ratchet failures mine && npx ratchet clusters build")
      : html`<p class="muted">Latest build ${build.id} at ${when(build.created_at)} (${build.method}): ${build.failures} failures in ${build.clusters} clusters, ${build.unclustered} unclustered.</p>${form}${
          shown.length === 0
            ? html`<p class="empty">No cluster matches these filters.</p>`
            : html`<table><thead><tr><th>Cluster</th><th>Label</th><th class="num">Size</th><th>Trend</th><th>Severity</th><th>Tools</th><th>Agents</th><th>Track</th><th>Last seen</th></tr></thead><tbody>
${shown.map((c) => {
  const track = tracks.get(c.id);
  return html`<tr><td><a href="/clusters/${encodeURIComponent(c.id)}">${c.id}</a></td><td>${c.label}${c.status === "retired" ? html` <span class="badge warn">retired</span>` : ""}</td>
<td class="num">${c.size}</td><td>${sparkline(c.stats.per_day)} ${c.stats.trend}</td><td>${formatTopCounts(c.stats.severity, 4)}</td>
<td>${formatTopCounts(c.stats.tools) || "—"}</td><td>${formatTopCounts(c.stats.agents) || "—"}</td><td>${track ? trackLine(track) : "—"}</td><td>${when(c.last_seen)}</td></tr>`;
})}</tbody></table>${pager(url, p, PAGE, shown.length, all.length)}`
        }`;
  return page(ctx, { title: "Clusters", path: "/clusters", body });
}

/** Which agent and step the offline attributor blames, for a member that is a stored trace. */
async function attributionOf(store: Store, f: Failure): Promise<Attribution | string | undefined> {
  // Only stored traces: an attempt would be searched for through every run.
  if ((await store.traces.getTrace(f.trace_id)) === undefined) return undefined;
  const loaded = await loadTrajectory(store, f.trace_id);
  if (loaded === undefined || loaded.trajectory.steps.length === 0) return "no steps to attribute";
  try {
    return attributeHeuristic(loaded.trajectory);
  } catch (error) {
    if (isInputError(error)) return error.message;
    throw error;
  }
}

/** One cluster: what it is, the track to fix it in, its members and who is to blame. */
export async function clusterPage(ctx: PageContext, id: string): Promise<Html | undefined> {
  const cluster = await ctx.store.clusters.get(id);
  if (cluster === undefined) return undefined;
  const members = await ctx.store.clusters.members(cluster.id);
  const track = await trackOf(ctx.store, cluster);
  const reps = await failuresOf(ctx.store, cluster.representatives);
  const attributions = new Map<string, Attribution | string | undefined>();
  for (const f of reps) attributions.set(f.id, await attributionOf(ctx.store, f));
  const others = await failuresOf(
    ctx.store,
    members
      .map((m) => m.failure_id)
      .filter((fid) => !cluster.representatives.includes(fid))
      .slice(0, SHOWN_MEMBERS),
  );
  const similarity = new Map(members.map((m) => [m.failure_id, m.similarity]));
  const stat = (name: string, counts: Record<string, number>) =>
    html`<span class="muted">${name}</span><span>${formatTopCounts(counts, 10) || "—"}</span>`;
  const body = html`<p><a href="/clusters">← clusters</a></p>
${cluster.description ? html`<p>${cluster.description}</p>` : ""}
<div class="kv">
<span class="muted">Status</span><span>${cluster.status}</span>
<span class="muted">Size</span><span>${cluster.size} (${members.length} distinct failures)</span>
<span class="muted">First / last seen</span><span>${when(cluster.first_seen)} / ${when(cluster.last_seen)}</span>
<span class="muted">Trend</span><span>${sparkline(cluster.stats.per_day)} ${cluster.stats.trend}</span>
<span class="muted">Keywords</span><span>${cluster.keywords.map((k) => k.term).join(", ") || "—"}</span>
${stat("Severity", cluster.stats.severity)}${stat("Signals", cluster.stats.signal_types)}${stat("Detectors", cluster.stats.detectors)}
${stat("Graders", cluster.stats.graders ?? {})}${stat("Tools", cluster.stats.tools)}${stat("Agents", cluster.stats.agents)}
<span class="muted">Track</span><span>${trackLine(track)}</span>
</div>
<ul>${track.reasons.map((r) => html`<li>${r}</li>`)}</ul>
${track.harness ? html`<p>Harness proposal: ${track.harness.summary} — <code>npx ratchet clusters ticket ${cluster.id}</code></p>` : ""}
<h2>Representative members</h2>
<table><thead><tr><th>Failure</th><th>Signal</th><th>Severity</th><th>Evidence</th><th>Attribution (offline heuristic)</th></tr></thead><tbody>
${reps.map((f) => {
  const a = attributions.get(f.id);
  return html`<tr><td>${failureLink(f.id)}</td><td>${f.signal_type}</td><td>${f.severity}</td><td>${clip(f.error ?? f.reason)}</td>
<td>${
    a === undefined
      ? html`<span class="muted">not a stored trace</span>`
      : typeof a === "string"
        ? html`<span class="muted">${a}</span>`
        : html`agent <strong>${a.agent}</strong>, step ${a.step.index}${a.step.role !== a.agent ? ` (${a.step.role})` : ""}<br><span class="muted">${clip(a.evidence.join("; "), 200)}</span>`
  }</td></tr>`;
})}</tbody></table>
${
  others.length > 0
    ? html`<h2>Other members</h2><table><thead><tr><th>Failure</th><th class="num">Similarity</th><th>Signal</th><th>Last seen</th><th>Evidence</th></tr></thead><tbody>${others.map(
        (f) =>
          html`<tr><td>${failureLink(f.id)}</td><td class="num">${(similarity.get(f.id) ?? 0).toFixed(2)}</td><td>${f.signal_type}</td><td>${when(f.last_seen)}</td><td>${clip(f.error ?? f.reason)}</td></tr>`,
      )}</tbody></table>${members.length - reps.length > others.length ? html`<p class="muted">and ${members.length - reps.length - others.length} more.</p>` : ""}`
    : ""
}
<p>Draft regression cases from it: <code>npx ratchet evals draft --cluster ${cluster.id}</code>, then review them in the <a href="/review">review queue</a>.</p>`;
  return page(ctx, { title: `Cluster ${cluster.label}`, path: "/clusters", body });
}
