import { html } from "hono/html";
import type { PassRatePoint, PromptLabelEvent } from "../../store/index.js";
import { num, pct, short, usd, when } from "../format.js";
import { empty, type Html } from "../layout.js";
import type { PageContext } from "../types.js";
import { splitRef, versionLink } from "./links.js";

/** How many of the newest scored runs the chart draws. */
const RUNS = 200;
const W = 720;
const H = 220;
const M = { left: 44, right: 12, top: 18, bottom: 26 };
// Distinct at a glance and ≥ 3:1 against white (graphics contrast); green and red are kept
// for the promotion and rollback marks.
const COLOURS = ["#0b57d0", "#6d28d9", "#0e7490", "#8a5300", "#be185d", "#4a5260", "#1b1f24"];

/** What the chart can draw per run. */
export const CHART_METRICS = {
  pass_rate: { label: "Pass rate", format: (v: number) => pct(v) },
  score: { label: "Score", format: (v: number) => num(v) },
  cost_usd: { label: "Cost per run", format: (v: number) => usd(v) },
} as const;
export type ChartMetric = keyof typeof CHART_METRICS;

/**
 * Pass rate (or score, or cost) per prompt version over time (one line per version, a point per run) with the
 * label promotions and rollbacks marked: an inline SVG, no script and no library.
 */
export async function scoreChart(
  ctx: PageContext,
  metric: ChartMetric = "pass_rate",
): Promise<Html> {
  const { label, format } = CHART_METRICS[metric];
  const points = ctx.store.web.passRates(RUNS).filter((p) => p[metric] !== null);
  const value = (p: PassRatePoint) => p[metric] ?? 0;
  if (points.length === 0) {
    return empty(
      "No scored runs of a registered prompt version yet.",
      "npx ratchet eval --prompt <name>@production",
    );
  }
  const times = points.map((p) => Date.parse(p.started_at));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const names = new Set(points.map((p) => splitRef(p.prompt_version).name));
  const marks = (await ctx.store.loopMetrics.labelEvents()).filter((e) => {
    const t = Date.parse(e.at);
    return (
      (e.kind === "promote" || e.kind === "rollback") && names.has(e.name) && t >= t0 && t <= t1
    );
  });
  // One point alone still gets a visible span.
  const span = Math.max(1, t1 - t0);
  const x = (t: number) =>
    t1 === t0
      ? M.left + (W - M.left - M.right) / 2
      : M.left + ((t - t0) / span) * (W - M.left - M.right);
  // Rates and scores on 0–1; cost from 0 to the largest run's.
  const top = metric === "cost_usd" ? Math.max(1e-9, ...points.map(value)) : 1;
  const y = (v: number) => M.top + (1 - v / top) * (H - M.top - M.bottom);

  const series = new Map<string, PassRatePoint[]>();
  for (const p of points)
    series.set(p.prompt_version, [...(series.get(p.prompt_version) ?? []), p]);
  const colour = new Map(
    [...series.keys()].map((v, i) => [v, COLOURS[i % COLOURS.length] ?? "#000"]),
  );

  const grid = [0, 0.25, 0.5, 0.75, 1].map(
    (r) =>
      html`<line x1="${M.left}" x2="${W - M.right}" y1="${y(r * top).toFixed(1)}" y2="${y(r * top).toFixed(1)}" stroke="#d0d5dd"/><text x="${M.left - 6}" y="${(y(r * top) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#4a5260">${metric === "pass_rate" ? `${Math.round(r * 100)}%` : format(r * top)}</text>`,
  );
  const axis = html`<text x="${M.left}" y="${H - 6}" font-size="11" fill="#4a5260">${when(points[0]?.started_at)}</text>
<text x="${W - M.right}" y="${H - 6}" font-size="11" fill="#4a5260" text-anchor="end">${when(points.at(-1)?.started_at)}</text>`;
  const markLines = marks.map((e) => markLine(e, x(Date.parse(e.at))));
  const lines = [...series].map(([version, ps]) => {
    const c = colour.get(version);
    const coords = ps.map(
      (p) => `${x(Date.parse(p.started_at)).toFixed(1)},${y(value(p)).toFixed(1)}`,
    );
    return html`<g><polyline points="${coords.join(" ")}" fill="none" stroke="${c}" stroke-width="2"/>${ps.map(
      (p, i) =>
        html`<a href="/runs/${p.run_id}"><circle cx="${coords[i]?.split(",")[0]}" cy="${coords[i]?.split(",")[1]}" r="3.5" fill="${c}"><title>${version}: ${format(value(p))} (run ${p.run_id}, ${when(p.started_at)})</title></circle></a>`,
    )}</g>`;
  });
  const legend = html`<ul class="muted" style="list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3rem 1rem;margin:.2rem 0">
${[...series.keys()].map(
  (v) =>
    html`<li><span style="display:inline-block;width:.8rem;height:.8rem;background:${colour.get(v)};vertical-align:middle"></span> ${versionLink(v)}</li>`,
)}${marks.some((m) => m.kind === "promote") ? html`<li><span style="color:#146c2e">┆ ▲ promotion</span></li>` : ""}${marks.some((m) => m.kind === "rollback") ? html`<li><span style="color:#b3261e">┆ ↺ rollback</span></li>` : ""}</ul>`;
  return html`<figure style="margin:0"><svg viewBox="0 0 ${W} ${H}" width="100%" style="max-width:${W}px" role="img" aria-labelledby="score-chart-title">
<title id="score-chart-title">${label} per prompt version over the last ${points.length} runs, with ${marks.length} promotions and rollbacks</title>
${grid}${markLines}${lines}${axis}</svg>${legend}</figure>`;
}

function markLine(e: PromptLabelEvent, px: number): Html {
  const colour = e.kind === "promote" ? "#146c2e" : "#b3261e";
  const what = `${e.kind === "promote" ? "promoted" : "rolled back"} ${e.name}@${e.label} → ${e.to_hash ? short(e.to_hash) : "nothing"} (${when(e.at)}, ${e.actor})${e.reason ? `: ${e.reason}` : ""}`;
  const line = html`<line x1="${px.toFixed(1)}" x2="${px.toFixed(1)}" y1="${M.top}" y2="${H - M.bottom}" stroke="${colour}" stroke-width="2" stroke-dasharray="4 3"><title>${what}</title></line>
<text x="${px.toFixed(1)}" y="${M.top - 5}" font-size="11" fill="${colour}" text-anchor="middle">${e.kind === "promote" ? "▲" : "↺"}<title>${what}</title></text>`;
  return e.decision_id ? html`<a href="/gate/${e.decision_id}">${line}</a>` : line;
}
