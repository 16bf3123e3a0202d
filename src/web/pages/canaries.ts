import type { Hono } from "hono";
import { html } from "hono/html";
import { defaultConfig } from "../../config/index.js";
import { errorMessage, isInputError } from "../../core/index.js";
import type { CanaryDoc, CanaryLookResult, CanaryTraffic, MetricLook } from "../../live/index.js";
import { canaryTraffic, lookAndAct } from "../../live/index.js";
import { computeMetrics, type MetricResult, thresholdText } from "../../live/metrics/index.js";
import type { LiveEventRow } from "../../store/index.js";
import type { WebEnv } from "../app.js";
import { render } from "../app.js";
import { ms, num, pageOf, pager, pct, short, statusBadge, usd, when } from "../format.js";
import { empty, type Html, page, reloadWhenReachable } from "../layout.js";
import type { PageContext } from "../types.js";
import { decisionLink, versionLink } from "./links.js";

const PAGE = 50;

const share = (traffic: number) => `${Math.round(traffic * 1000) / 10}%`;
const signed = (x: number) => (Number.isFinite(x) ? `${x > 0 ? "+" : ""}${num(x)}` : "—");
const versionOf = (name: string, hash: string) =>
  html`<a href="/prompts/${encodeURIComponent(name)}/${hash}">${short(hash)}</a>`;

/** Canaries, newest first, and the live events (starts, rollbacks, promotions, drift…). */
export async function canariesPage(ctx: PageContext, url: URL): Promise<Html> {
  const canaries = await ctx.store.live.listCanaries<CanaryDoc>();
  const p = pageOf(url);
  const { rows: events, total } = ctx.store.web.liveEvents({ limit: PAGE, offset: p * PAGE });
  const body =
    canaries.length === 0 && total === 0
      ? empty(
          "No canaries or live events yet.",
          "npx ratchet canary start <name>@<candidate> (then ratchet watch)",
        )
      : html`<h2>Canaries</h2>${
          canaries.length === 0
            ? html`<p class="muted">none yet</p>`
            : html`<table><thead><tr><th>Canary</th><th>Prompt</th><th class="num">Traffic</th><th>Control → candidate</th><th>Status</th><th>Started</th><th>Ended</th></tr></thead><tbody>
${canaries.map(
  (k) =>
    html`<tr><td><a href="/canaries/${k.id}">${k.id}</a>${k.doc.forced ? html` <span class="badge warn">forced</span>` : ""}</td><td>${k.prompt_name}@${k.label}</td>
<td class="num">${share(k.traffic)}</td><td>${versionOf(k.prompt_name, k.control_hash)} → ${versionOf(k.prompt_name, k.candidate_hash)}</td>
<td>${statusBadge(k.status)}</td><td>${when(k.started_at)}</td><td>${when(k.ended_at)}</td></tr>`,
)}</tbody></table>`
        }
<h2>Live events</h2>${total === 0 ? html`<p class="muted">none yet</p>` : html`${eventsTable(events)}${pager(url, p, PAGE, events.length, total)}`}
<p><a href="/health">Loop health →</a></p>`;
  return page(ctx, { title: "Canaries and live events", path: "/canaries", body });
}

/** One canary: traffic and latency per arm, every metric's always-valid test, its events. */
export async function canaryPage(ctx: PageContext, ref: string): Promise<Html | undefined> {
  const id = await ctx.store.live.resolveCanaryId(ref);
  const canary = id ? await ctx.store.live.getCanary<CanaryDoc>(id) : undefined;
  if (canary === undefined) return undefined;
  const doc = canary.doc;
  let look: CanaryLookResult | undefined;
  let traffic: CanaryTraffic | undefined;
  let problem: string | undefined;
  try {
    traffic = await canaryTraffic(ctx.store, canary);
    if (canary.status === "running") {
      // A look without acting: nothing is stored, no label moves (`canary status`).
      look = await lookAndAct(ctx.store, ctx.project?.config ?? defaultConfig(), canary, {
        actor: "dashboard",
        dryRun: true,
      });
    }
  } catch (error) {
    // One broken part of a look is shown, not fatal: the stored state still renders.
    problem = errorMessage(error);
  }
  const looks = look?.looks ?? doc.last_look?.looks ?? [];
  const decision = look?.decision ?? doc.last_look?.decision;
  const allEvents = await ctx.store.live.listEvents({ canaryId: canary.id });
  const summary = html`<div class="kv">
<span class="muted">Prompt</span><span><a href="/prompts/${encodeURIComponent(canary.prompt_name)}">${canary.prompt_name}</a>@${canary.label}: ${share(canary.traffic)} of keys</span>
<span class="muted">Control → candidate</span><span>${versionOf(canary.prompt_name, canary.control_hash)} → ${versionOf(canary.prompt_name, canary.candidate_hash)}</span>
<span class="muted">Status</span><span>${statusBadge(canary.status)}${doc.forced ? html` <span class="badge warn">FORCED: never passed the gate</span>` : ""}</span>
<span class="muted">Gate decision</span><span>${decisionLink(doc.gate_decision)}</span>
<span class="muted">Started</span><span>${when(canary.started_at)} by ${doc.actor}${canary.ended_at ? ` · ended ${when(canary.ended_at)}` : ""}</span>
<span class="muted">Test</span><span>primary ${doc.metric}; guardrails ${doc.guardrails.join(", ") || "none"}; α ${doc.alpha}; effect size ${doc.effect_size}; ${doc.min_samples}–${doc.max_samples} samples per arm; ${doc.auto_promote ? "promotes itself" : "promotion by hand"}</span>
</div>${problem ? html`<p class="empty fail" role="alert">The live look failed: ${problem}</p>` : ""}`;
  const arms = traffic
    ? html`<h2>Arms</h2><table><thead><tr><th>Arm</th><th>Version</th><th class="num">Requests</th><th class="num">Latency p50</th><th class="num">Latency p95</th><th class="num">Cost mean</th><th class="num">Cost p95</th></tr></thead><tbody>
${(["control", "candidate"] as const).map((arm) => {
  const a = traffic[arm];
  return html`<tr><td>${arm}</td><td>${versionLink(a.version)}</td><td class="num">${a.traces}</td><td class="num">${ms(a.latency_p50)}</td><td class="num">${ms(a.latency_p95)}</td>
<td class="num">${usd(a.cost_mean)}</td><td class="num">${usd(a.cost_p95)}</td></tr>`;
})}</tbody></table>${traffic.other.length > 0 ? html`<p class="muted">Other versions (in neither arm): ${traffic.other.map((o) => `${o.version} ${o.traces}`).join(", ")}</p>` : ""}`
    : "";
  const tests = html`<h2>Sequential test${look ? " (live)" : doc.last_look ? ` (last look ${when(doc.last_look.at)})` : ""}</h2>${
    looks.length === 0
      ? html`<p class="muted">No look yet: the watcher looks as requests come in (<code>ratchet watch</code>).</p>`
      : looksTable(looks)
  }${
    canary.status !== "running" && doc.outcome
      ? html`<p>Ended: ${eventBadge(doc.outcome.action)} by ${doc.outcome.by}: ${doc.outcome.reasons.join("; ")}</p>`
      : decision
        ? html`<p>Decision: ${eventBadge(decision.action)} — ${decision.reasons.join("; ")}</p>`
        : ""
  }`;
  const events = html`<h2>Events</h2>${
    allEvents.length === 0 ? html`<p class="muted">none</p>` : eventsTable(allEvents.reverse())
  }`;
  // A running canary's page follows the traffic.
  const script = canary.status === "running" ? reloadWhenReachable(15_000) : undefined;
  return page(ctx, {
    title: `Canary ${canary.id}`,
    path: "/canaries",
    body: html`<p><a href="/canaries">← canaries</a></p>${summary}${arms}${tests}${events}`,
    ...(script ? { script } : {}),
  });
}

function looksTable(looks: MetricLook[]): Html {
  return html`<table><thead><tr><th>Metric</th><th>Role</th><th>Better</th><th class="num">Control</th><th class="num">Candidate</th><th class="num">n (c/t)</th>
<th class="num">Difference</th><th>Always-valid interval</th><th class="num">p</th><th>Verdict</th></tr></thead><tbody>
${looks.map(
  (l) =>
    html`<tr><td>${l.metric}</td><td>${l.role}</td><td>${l.better}</td><td class="num">${l.control.n > 0 ? num(l.control.mean) : "—"}</td>
<td class="num">${l.candidate.n > 0 ? num(l.candidate.mean) : "—"}</td><td class="num">${l.control.n}/${l.candidate.n}</td>
<td class="num">${l.control.n > 0 && l.candidate.n > 0 ? signed(l.difference) : "—"}</td><td>[${signed(l.lower)}, ${signed(l.upper)}]</td>
<td class="num">${num(l.p_value, 2)}</td><td>${verdictBadge(l.verdict)}</td></tr>`,
)}</tbody></table>`;
}

/** Rollbacks and breaches read as failures, promotions as passes, the rest as notes. */
function eventBadge(kind: string): Html {
  const cls = /roll|breach|drift|suppressed/.test(kind)
    ? "fail"
    : /promot/.test(kind)
      ? "pass"
      : "warn";
  return html`<span class="badge ${cls}">${kind}</span>`;
}

function verdictBadge(v: MetricLook["verdict"]): Html {
  const cls = v === "worse" ? "fail" : v === "better" ? "pass" : "warn";
  return html`<span class="badge ${cls}">${v.replace("_", " ")}</span>`;
}

interface EventEvidence {
  metric: string;
  role?: string;
  control?: { n: number; mean: number };
  candidate?: { n: number; mean: number };
  interval?: [number, number];
  p_value?: number;
  verdict?: string;
}

/** An event's reasons and evidence when it has them in the shape canaries write; else its document. */
function eventDetail(doc: unknown): Html {
  const d = (typeof doc === "object" && doc !== null ? doc : {}) as {
    reasons?: unknown;
    note?: unknown;
    evidence?: unknown;
  };
  const reasons = Array.isArray(d.reasons)
    ? d.reasons.filter((r): r is string => typeof r === "string")
    : [];
  const evidence = Array.isArray(d.evidence)
    ? (d.evidence as EventEvidence[]).filter((e) => typeof e?.metric === "string")
    : [];
  return html`${reasons.join("; ")}${typeof d.note === "string" ? html` <span class="muted">${d.note}</span>` : ""}
${
  evidence.length > 0
    ? html`<ul>${evidence.map(
        (e) =>
          html`<li>${e.metric}${e.role ? ` (${e.role})` : ""}: control ${num(e.control?.mean)} (n ${e.control?.n ?? 0}), candidate ${num(e.candidate?.mean)} (n ${e.candidate?.n ?? 0})${e.interval ? `, interval [${signed(e.interval[0])}, ${signed(e.interval[1])}]` : ""}${e.p_value !== undefined ? `, p ${num(e.p_value, 2)}` : ""}${e.verdict ? ` — ${e.verdict}` : ""}</li>`,
      )}</ul>`
    : ""
}
<details><summary class="muted">record</summary><pre>${JSON.stringify(doc, null, 2)}</pre></details>`;
}

/** A live event as the list page (`store.web`) or a canary's page (`store.live`) reads it. */
type ShownEvent = Pick<LiveEventRow, "kind" | "actor" | "at" | "doc"> & {
  prompt_name?: string | null;
  canary_id?: string | null;
};

function eventsTable(events: ShownEvent[]): Html {
  return html`<table><thead><tr><th>When</th><th>Event</th><th>Prompt</th><th>Canary</th><th>By</th><th>Evidence</th></tr></thead><tbody>
${events.map(
  (e) =>
    html`<tr><td>${when(e.at)}</td><td>${eventBadge(e.kind)}</td><td>${e.prompt_name ?? "—"}</td>
<td>${e.canary_id ? html`<a href="/canaries/${e.canary_id}">${e.canary_id}</a>` : "—"}</td><td>${e.actor}</td><td>${eventDetail(e.doc)}</td></tr>`,
)}</tbody></table>`;
}

/** The improvement loop's own health: each metric against its threshold, what to do on a breach. */
export async function healthPage(
  ctx: PageContext,
  url: URL,
): Promise<{ body: Html; status: 200 | 400 }> {
  const window = url.searchParams.get("window")?.trim() || undefined;
  const settings = (ctx.project?.config ?? defaultConfig()).live.metrics;
  const form = html`<form class="filters" method="get" action="/health"><label>Window<input name="window" value="${window ?? settings.window}" placeholder="30d"></label><button>Show</button></form>`;
  let report: Awaited<ReturnType<typeof computeMetrics>>;
  try {
    report = await computeMetrics(ctx.store, settings, window ? { window } : {});
  } catch (error) {
    if (!isInputError(error)) throw error;
    const body = html`${form}<p class="empty fail" role="alert">${errorMessage(error)}</p>`;
    return { body: page(ctx, { title: "Loop health", path: "/health", body }), status: 400 };
  }
  const valueText = (m: MetricResult) =>
    m.value === undefined
      ? "no data"
      : m.threshold.unit === "rate"
        ? `${pct(m.value)} (${m.numerator}/${m.denominator})`
        : String(m.value);
  const body = html`${form}<p class="muted">Over ${report.window}: ${when(report.since)} → ${when(report.now)}. ${
    report.breaches.length === 0
      ? "Every metric is within its threshold or has no data yet."
      : `${report.breaches.length} metric(s) need attention.`
  }</p>
<table><thead><tr><th>Metric</th><th class="num">Value</th><th>Threshold</th><th>Status</th><th>How measured</th><th>What to do</th></tr></thead><tbody>
${report.metrics.map(
  (m) =>
    html`<tr><td>${m.name}</td><td class="num">${valueText(m)}</td><td>${thresholdText(m.threshold)}</td>
<td>${healthBadge(m.status)}</td><td class="muted">${m.how}${m.reason ? `. No data: ${m.reason}` : ""}</td>
<td>${m.status === "investigate" ? m.action : html`<span class="muted">${m.action}</span>`}${
      m.status === "investigate" && m.items.length > 0
        ? html`<ul>${m.items.slice(0, 20).map((i) => html`<li>${i.id}: ${i.detail}</li>`)}</ul>${m.items.length > 20 ? html`<p class="muted">… and ${m.items.length - 20} more (ratchet metrics --json)</p>` : ""}`
        : ""
    }</td></tr>`,
)}</tbody></table>`;
  return { body: page(ctx, { title: "Loop health", path: "/health", body }), status: 200 };
}

function healthBadge(status: MetricResult["status"]): Html {
  const cls = status === "ok" ? "pass" : status === "investigate" ? "fail" : "muted";
  return html`<span class="badge ${cls}">${status}</span>`;
}

export function registerLivePages(app: Hono<WebEnv>): void {
  app.get("/canaries", async (c) =>
    render(c, await canariesPage(c.get("page"), new URL(c.req.url))),
  );
  app.get("/canaries/:id", async (c) =>
    render(c, await canaryPage(c.get("page"), c.req.param("id"))),
  );
  app.get("/health", async (c) => {
    const { body, status } = await healthPage(c.get("page"), new URL(c.req.url));
    return render(c, body, status);
  });
}
