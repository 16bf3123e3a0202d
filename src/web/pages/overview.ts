import { html } from "hono/html";
import { pct, short, shortVersion, statusBadge, when } from "../format.js";
import { empty, type Html, page } from "../layout.js";
import type { PageContext } from "../types.js";
import { CHART_METRICS, type ChartMetric, scoreChart } from "./chart.js";
import { sparkline } from "./clusters.js";
import { LISTED_PURPOSES } from "./runs.js";

/** Clusters the overview lists: the largest open ones. */
const CLUSTERS = 5;

/** Where things stand: latest runs, gate decisions, largest open clusters, running canaries. */
export async function overviewPage(ctx: PageContext, url: URL, storeLabel?: string): Promise<Html> {
  const asked = url.searchParams.get("chart") ?? "pass_rate";
  const metric: ChartMetric = asked in CHART_METRICS ? (asked as ChartMetric) : "pass_rate";
  const clusters = await ctx.store.clusters.list({ limit: CLUSTERS });
  const { rows: runs, total } = ctx.store.web.runs({
    limit: 8,
    offset: 0,
    purposes: LISTED_PURPOSES,
  });
  const decisions = await ctx.store.gate.listDecisions({ limit: 5 });
  const canaries = await ctx.store.live.listCanaries({ status: "running" });
  const body =
    total === 0 && decisions.length === 0 && clusters.length === 0 && canaries.length === 0
      ? empty("This store has no runs yet.", "npx ratchet demo")
      : html`${storeLabel ? html`<p class="muted">Store: ${storeLabel}</p>` : ""}
<nav aria-label="Chart" class="muted">Chart: ${Object.entries(CHART_METRICS).map(([key, m]) =>
          key === metric
            ? html`<strong aria-current="true">${m.label}</strong> `
            : html`<a href="/?chart=${key}">${m.label}</a> `,
        )}</nav>
${await scoreChart(ctx, metric)}
<h2>Latest runs</h2><table><thead><tr><th>Run</th><th>Started</th><th>Prompt version</th><th>Status</th><th class="num">Pass rate</th></tr></thead><tbody>
${runs.map(
  (r) =>
    html`<tr><td><a href="/runs/${r.id}">${r.id}</a></td><td>${when(r.started_at)}</td><td title="${r.prompt_version ?? ""}">${shortVersion(r.prompt_version)}</td><td>${statusBadge(r.status)}</td><td class="num">${r.totals ? pct(r.totals.pass_rate) : "—"}</td></tr>`,
)}</tbody></table><p><a href="/runs">All ${total} runs →</a></p>
<h2>Latest gate decisions</h2>${
          decisions.length === 0
            ? html`<p class="muted">none yet</p>`
            : html`<table><thead><tr><th>Decision</th><th>When</th><th>Champion → challenger</th><th>Verdict</th></tr></thead><tbody>${decisions.map(
                (d) =>
                  html`<tr><td><a href="/gate/${d.id}">${d.id}</a></td><td>${when(d.created_at)}</td><td>${shortVersion(d.champion)} → ${shortVersion(d.challenger)}</td><td>${statusBadge(d.verdict)}</td></tr>`,
              )}</tbody></table>`
        }
<h2>Largest open clusters</h2>${
          clusters.length === 0
            ? html`<p class="muted">none: <code>npx ratchet clusters build</code> groups the open failures</p>`
            : html`<table><thead><tr><th>Cluster</th><th class="num">Size</th><th>Trend</th><th>Last seen</th></tr></thead><tbody>${clusters.map(
                (c) =>
                  html`<tr><td><a href="/clusters/${encodeURIComponent(c.id)}">${c.label}</a></td><td class="num">${c.size}</td><td>${sparkline(c.stats.per_day)} ${c.stats.trend}</td><td>${when(c.last_seen)}</td></tr>`,
              )}</tbody></table><p><a href="/clusters">All clusters →</a></p>`
        }
<h2>Canaries in progress</h2>${
          canaries.length === 0
            ? html`<p class="muted">none running</p>`
            : html`<ul>${canaries.map(
                (k) =>
                  html`<li><a href="/canaries/${k.id}">${k.prompt_name}@${k.label}</a>: ${Math.round(k.traffic * 100)}% → ${short(k.candidate_hash)}</li>`,
              )}</ul>`
        }`;
  return page(ctx, { title: "Overview", path: "/", body });
}
