import type { Hono } from "hono";
import { html } from "hono/html";
import { defaultConfig } from "../../config/index.js";
import { errorMessage, isInputError } from "../../core/index.js";
import { type CostDimension, type CostReport, costReport, rollUpReport } from "../../cost/index.js";
import type { KappaSummary, PositionReport } from "../../graders/judge/index.js";
import { parseSince } from "../../mining/index.js";
import type { JudgeCalibration } from "../../store/index.js";
import type { WebEnv } from "../app.js";
import { render } from "../app.js";
import { pct, usd, when } from "../format.js";
import { empty, type Html, page } from "../layout.js";
import type { PageContext } from "../types.js";

/** The breakdowns `/cost` shows, each as `ratchet cost --by <dim>` prints it. */
const BREAKDOWNS: ReadonlyArray<{ by: CostDimension; title: string }> = [
  { by: "purpose", title: "By purpose" },
  { by: "model", title: "By model" },
  { by: "agent", title: "By agent" },
  { by: "day", title: "By day" },
];

/** Spend by purpose, model, agent and day: evaluation, optimization and production kept apart. */
export async function costPage(
  ctx: PageContext,
  url: URL,
): Promise<{ body: Html; status: 200 | 400 }> {
  const sinceText = url.searchParams.get("since")?.trim() || "30d";
  const form = html`<form class="filters" method="get" action="/cost"><label>Since<input name="since" value="${sinceText}" placeholder="30d, 24h or 2026-01-31"></label><button>Show</button></form>`;
  let sinceMs: number;
  try {
    sinceMs = parseSince(sinceText, "since");
  } catch (error) {
    if (!isInputError(error)) throw error;
    const body = html`${form}<p class="empty fail" role="alert">${errorMessage(error)}</p>`;
    return { body: page(ctx, { title: "Cost", path: "/cost", body }), status: 400 };
  }
  // Prices come from the built-in table; a project's `cost.token_pricing` is not visible here.
  const pricing = (ctx.project?.config ?? defaultConfig()).cost;
  // One scan of the spans by every dimension shown, then each table summed up from it
  // (`purpose` is always a dimension, so each table is spend by purpose × its own).
  const fine = await costReport(ctx.store, {
    by: ["purpose", ...BREAKDOWNS.map((b) => b.by).filter((d) => d !== "purpose")],
    sinceMs,
    pricing,
  });
  const reports: Array<{ title: string; report: CostReport }> = BREAKDOWNS.map((b) => ({
    title: b.title,
    report: rollUpReport(fine, b.by === "purpose" ? ["purpose"] : ["purpose", b.by]),
  }));
  const total = reports[0]?.report.total;
  const body =
    total === undefined || total.calls === 0
      ? html`${form}${empty(`No spend recorded since ${when(new Date(sinceMs).toISOString())}.`, "npx ratchet eval")}`
      : html`${form}<p>Total ${usd(total.cost_usd)} over ${total.calls.toLocaleString("en-US")} calls since ${when(new Date(sinceMs).toISOString())}.${
          total.unpriced_calls > 0
            ? html` <span class="warn">${total.unpriced_calls} calls have tokens but no known price (counted at $0): add <code>cost.token_pricing</code>.</span>`
            : ""
        }</p>
${reports.map((r) => costTable(r.title, r.report))}`;
  return { body: page(ctx, { title: "Cost", path: "/cost", body }), status: 200 };
}

function costTable(title: string, report: CostReport): Html {
  const max = Math.max(1e-12, ...report.rows.map((r) => r.cost_usd));
  return html`<h2>${title}</h2><table><thead><tr>${report.by.map((d) => html`<th>${d}</th>`)}<th class="num">Cost</th><th class="num">Recorded</th>
<th class="num">Tokens in / out</th><th class="num">Calls</th><th style="width:20%"></th></tr></thead><tbody>
${report.rows.map(
  (r) =>
    html`<tr>${report.by.map((d) => html`<td>${r.key[d] ?? "—"}</td>`)}<td class="num">${usd(r.cost_usd)}</td><td class="num">${usd(r.recorded_usd)}</td>
<td class="num">${Math.round(r.input_tokens).toLocaleString("en-US")} / ${Math.round(r.output_tokens).toLocaleString("en-US")}</td>
<td class="num">${r.calls}${r.unpriced_calls > 0 ? html` <span class="warn">(${r.unpriced_calls} unpriced)</span>` : ""}</td>
<td><span class="bar" style="width:${((r.cost_usd / max) * 100).toFixed(1)}%"></span></td></tr>`,
)}</tbody></table>`;
}

/** The parts of a calibration's `details` the page shows (written by `judge calibrate`). */
interface CalibrationDetails {
  kappa_defined?: boolean;
  confusion?: { labels: Array<string | number>; matrix: number[][] };
  per_label?: Array<{
    label: string | number;
    precision: number;
    recall: number;
    f1: number;
    support: number;
  }>;
  flip_rate?: number;
  positions?: PositionReport;
  drift?: { drifted?: boolean; message?: string };
}

const kappaText = (k: KappaSummary) =>
  k.defined ? `${k.kappa.toFixed(3)} ± ${k.se.toFixed(3)}` : "undefined (one label only)";

/** Each judge version's newest calibration against human labels, as `ratchet judge show`. */
export async function judgesPage(ctx: PageContext): Promise<Html> {
  const all = await ctx.store.judges.listCalibrations();
  const seen = new Set<string>();
  const latest = all.filter((c) => {
    const key = `${c.judge}\u0000${c.version}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const body =
    latest.length === 0
      ? empty("No judge calibrations yet.", "npx ratchet judge calibrate --labels <file>")
      : html`<table><thead><tr><th>Judge</th><th>Version</th><th>Model</th><th>Mode</th><th class="num">n</th><th class="num">Accuracy</th>
<th class="num">Kappa ± se</th><th class="num">Threshold</th><th>Drift</th><th>Calibrated</th><th class="num">Cost</th></tr></thead><tbody>
${latest.map((c) => {
  const d = details(c);
  return html`<tr><td><a href="#judge-${c.id ?? ""}">${c.judge}</a></td><td>${c.version.slice(0, 12)}</td><td>${c.model}</td><td>${c.mode}</td><td class="num">${c.n}</td>
<td class="num">${pct(c.accuracy)}</td><td class="num">${c.kappa.toFixed(3)} ± ${c.kappa_se.toFixed(3)}</td><td class="num">${c.threshold !== undefined ? c.threshold.toFixed(3) : "—"}</td>
<td>${d.drift?.drifted ? html`<span class="badge fail">drift</span>` : html`<span class="muted">none</span>`}</td><td>${when(c.created_at)}</td><td class="num">${usd(c.cost_usd)}</td></tr>`;
})}</tbody></table>${latest.map(calibrationSection)}`;
  return page(ctx, { title: "Judges", path: "/judges", body });
}

function details(c: JudgeCalibration): CalibrationDetails {
  return (
    typeof c.details === "object" && c.details !== null ? c.details : {}
  ) as CalibrationDetails;
}

function calibrationSection(c: JudgeCalibration): Html {
  const d = details(c);
  const cm = d.confusion;
  const confusion =
    cm && cm.labels.length > 0
      ? html`<p class="muted">Confusion matrix: rows are the human label, columns the judge's verdict.</p><table style="width:auto"><thead><tr><th></th>${cm.labels.map((l) => html`<th class="num">${String(l)}</th>`)}</tr></thead><tbody>
${cm.labels.map(
  (l, i) =>
    html`<tr><th>${String(l)}</th>${(cm.matrix[i] ?? []).map((n, j) => html`<td class="num${i === j ? " pass" : ""}">${n}</td>`)}</tr>`,
)}</tbody></table>`
      : "";
  const perLabel =
    d.per_label && d.per_label.length > 0
      ? html`<table style="width:auto"><thead><tr><th>Label</th><th class="num">Precision</th><th class="num">Recall</th><th class="num">F1</th><th class="num">Support</th></tr></thead><tbody>
${d.per_label.map(
  (l) =>
    html`<tr><td>${String(l.label)}</td><td class="num">${pct(l.precision)}</td><td class="num">${pct(l.recall)}</td><td class="num">${pct(l.f1)}</td><td class="num">${l.support}</td></tr>`,
)}</tbody></table>`
      : "";
  const p = d.positions;
  const orders = p
    ? html`<h4>Each presentation order against the labels</h4><table style="width:auto"><thead><tr><th>Order</th><th class="num">Accuracy</th><th class="num">Correct</th><th class="num">Kappa</th><th class="num">Unparsed</th></tr></thead><tbody>
${(
  [
    ["in order", p.in_order],
    ["swapped", p.swapped],
  ] as const
).map(
  ([name, o]) =>
    html`<tr><td>${name}</td><td class="num">${pct(o.accuracy)}</td><td class="num">${o.correct}</td><td class="num">${kappaText(o.kappa)}</td><td class="num">${o.unparsed}</td></tr>`,
)}</tbody></table><p class="muted">Mean accuracy ${pct(p.mean_accuracy)}; both right ${p.both_correct}; positional agreement ${pct(p.positional_agreement)} (${p.agreed}); kappa between orders ${kappaText(p.order_kappa)}.</p>`
    : "";
  return html`<section id="judge-${c.id ?? ""}"><h2>${c.judge} <span class="muted">${c.version.slice(0, 12)}</span></h2>
<p>${c.mode}, ${c.model}: ${c.n} human labels from ${c.labels_file}; accuracy ${pct(c.accuracy)}, kappa ${d.kappa_defined === false ? "undefined (one label only)" : `${c.kappa.toFixed(3)} ± ${c.kappa_se.toFixed(3)}`}${d.flip_rate !== undefined ? `, flip rate ${pct(d.flip_rate)}` : ""}.</p>
${d.drift?.message ? html`<p class="${d.drift.drifted ? "fail" : "muted"}">${d.drift.message}</p>` : ""}
${confusion}${perLabel}${orders}</section>`;
}

export function registerCostPages(app: Hono<WebEnv>): void {
  app.get("/cost", async (c) => {
    const { body, status } = await costPage(c.get("page"), new URL(c.req.url));
    return render(c, body, status);
  });
  app.get("/judges", async (c) => render(c, await judgesPage(c.get("page"))));
}
