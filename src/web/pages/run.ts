import { html } from "hono/html";
import { ms, num, pageOf, pager, pct, statusBadge, usd, when } from "../format.js";
import type { Html } from "../layout.js";
import { page } from "../layout.js";
import type { PageContext } from "../types.js";

const PAGE = 50;
/** Runs up to this many attempts show their breakdown on the run page itself. */
const INLINE_BREAKDOWN = 5_000;

function breakdownTable(ctx: PageContext, runId: string): Html {
  const groups = ctx.store.web.breakdown(runId);
  if (groups.length === 0) return html``;
  return html`<h2>Breakdown</h2><p class="muted">By the cases' severity, by variant and by case tag.</p><table><thead><tr><th>By</th><th>Group</th><th class="num">Attempts</th><th class="num">Pass rate</th><th class="num">Score</th></tr></thead><tbody>
${groups.map(
  (g) =>
    html`<tr><td>${g.by}</td><td>${g.key}</td><td class="num">${g.attempts}</td><td class="num">${pct(g.passed / g.attempts)}</td><td class="num">${num(g.score)}</td></tr>`,
)}</tbody></table>`;
}

/** A run's breakdown on its own page (the run page links here for a big run). */
export async function breakdownPage(ctx: PageContext, id: string): Promise<Html | undefined> {
  const run = await ctx.store.getRun(id);
  if (run === undefined) return undefined;
  return page(ctx, {
    title: `Run ${run.id}: breakdown`,
    path: "/runs",
    body: html`<p><a href="/runs/${id}">← the run</a></p>${breakdownTable(ctx, id)}`,
  });
}

/** One run: totals, dimensions, the severity verdict, and its attempts (failures first). */
export async function runPage(ctx: PageContext, url: URL, id: string): Promise<Html | undefined> {
  const run = await ctx.store.getRun(id);
  if (run === undefined) return undefined;
  const p = pageOf(url);
  const status = url.searchParams.get("status") || undefined;
  const search = url.searchParams.get("q")?.trim() || undefined;
  const { rows, total } = ctx.store.web.attempts({
    runId: id,
    ...(status ? { status } : {}),
    ...(search ? { search } : {}),
    limit: PAGE,
    offset: p * PAGE,
  });
  const t = run.totals;
  const previous = ctx.store.web.previousRun(run);
  const verdict = t?.verdict;
  const summary = html`<div class="kv">
<span class="muted">Status</span><span>${statusBadge(run.status)}${run.status === "running" ? html` <span class="muted">(updates live)</span>` : ""}</span>
<span class="muted">Suite</span><span>${run.suite}</span>
<span class="muted">Prompt version</span><span>${run.prompt_version ? html`<a href="/prompts/${run.prompt_version.split("@")[0]}">${run.prompt_version}</a>` : "—"}</span>
<span class="muted">Models</span><span>${run.models.join(", ")}</span>
<span class="muted">Started</span><span>${when(run.started_at)}${run.finished_at ? ` · finished ${when(run.finished_at)}` : ""}</span>
<span class="muted">Purpose</span><span>${run.purpose}</span>
<span class="muted">Compare</span><span>${previous ? html`<a href="/compare?a=${previous}&amp;b=${run.id}">with the previous run of ${run.suite}</a> (${previous})` : "no earlier run of this suite"}</span>
${
  t
    ? html`<span class="muted">Attempts</span><span>${t.attempts} (${t.passed} passed, ${t.failed} failed, ${t.errors} errors)</span>
<span class="muted">Pass rate / score</span><span>${pct(t.pass_rate)} · ${num(t.score)}</span>
<span class="muted">Latency p50 / p95</span><span>${ms(t.latency_p50_ms)} / ${ms(t.latency_p95_ms)}</span>
<span class="muted">Cost</span><span>${usd(t.cost_usd)}</span>`
    : ""
}
</div>`;
  const dims = t
    ? html`<h2>Dimensions</h2><table><thead><tr><th>Dimension</th><th class="num">Score</th><th></th></tr></thead><tbody>
${Object.entries(t.dimension_scores).map(
  ([d, s]) =>
    html`<tr><td>${d}</td><td class="num">${num(s)}</td><td><span class="bar" style="width:${Math.round((s ?? 0) * 200)}px"></span></td></tr>`,
)}</tbody></table>`
    : "";
  const verdictHtml = verdict
    ? html`<h2>Severity verdict: ${verdict.passed ? html`<span class="pass">pass</span>` : html`<span class="fail">fail</span>`}</h2>
<ul>${verdict.reasons.map((r) => html`<li>${r}</li>`)}</ul>
${verdict.blocking_failures.length > 0 ? html`<p>Blocking failures: ${verdict.blocking_failures.join(", ")}</p>` : ""}`
    : "";
  // A breakdown reads every attempt of the run: inline for a run of up to INLINE_BREAKDOWN
  // attempts, its own page (one click) for a bigger one, so the run page stays quick.
  const breakdown =
    (t?.attempts ?? total) <= INLINE_BREAKDOWN
      ? breakdownTable(ctx, id)
      : html`<h2>Breakdown</h2><p><a href="/runs/${id}/breakdown">By severity, variant and tag →</a></p>`;
  const filters = html`<form class="filters" method="get" action="/runs/${id}">
<label>Status<select name="status"><option value="">all, failures first</option>${[
    "failing",
    "failed",
    "error",
    "passed",
  ].map((s) => html`<option ${status === s ? "selected" : ""}>${s}</option>`)}</select></label>
<label>Search<input type="search" name="q" value="${search ?? ""}" placeholder="case id or output"></label><button>Filter</button></form>`;
  const attempts = html`<h2>Attempts</h2>${filters}<table><thead><tr><th>Case</th><th>Epoch</th><th>Variant</th><th>Status</th><th>Severity</th>
<th class="num">Score</th><th class="num">Latency</th><th>Output</th></tr></thead><tbody>
${rows.map(
  (
    a,
  ) => html`<tr><td><a href="/attempts/${a.id}">${a.case_id}</a></td><td>${a.epoch}</td><td>${a.variant}</td><td>${statusBadge(a.status)}</td>
<td>${a.severity}</td><td class="num">${num(a.overall)}</td><td class="num">${ms(a.latency_ms)}</td><td class="muted">${a.error ?? a.output_head}</td></tr>`,
)}</tbody></table>${pager(url, p, PAGE, rows.length, total)}`;
  const live =
    run.status === "running"
      ? html`<p id="live" role="status" class="muted">Live: <span data-live="count">${breakdownText(ctx, id)}</span>. <span data-live="state"></span> <a href="/runs/${id}">reload for the new attempts</a></p>`
      : "";
  const script = run.status === "running" ? liveScript(id) : undefined;
  return page(ctx, {
    title: `Run ${run.id}`,
    path: "/runs",
    body: html`${live}${summary}${dims}${verdictHtml}${breakdown}${attempts}`,
    ...(script ? { script } : {}),
  });
}

/** What a running run has so far, from the status index: the live line and its API agree. */
export function runProgress(ctx: PageContext, runId: string) {
  const counts: Record<string, number> = {};
  for (const { status, n } of ctx.store.web.statusCounts(runId)) counts[status] = n;
  const attempts = Object.values(counts).reduce((s, n) => s + n, 0);
  return {
    attempts,
    passed: counts.passed ?? 0,
    failed: counts.failed ?? 0,
    errors: counts.error ?? 0,
  };
}

function breakdownText(ctx: PageContext, runId: string): string {
  const p = runProgress(ctx, runId);
  return `${p.attempts} attempts so far (${p.passed} passed, ${p.failed} failed, ${p.errors} errors)`;
}

/**
 * Polls the run's progress every 2 s and updates the live line in place (the page the reader
 * is on, filters and scroll, stays as it is). A lost connection says so and retries with a
 * growing pause (2, 4, 8… up to 30 s); once the run ends, the page reloads to its final view.
 * An expired session is not a lost connection: it says so, links to sign-in and stops.
 */
function liveScript(runId: string): string {
  return `(()=>{const url='/api/runs/${encodeURIComponent(runId)}/progress';let wait=2000,lost=0;
const q=s=>document.querySelector('[data-live="'+s+'"]');
const tick=()=>fetch(url,{headers:{accept:'application/json'},cache:'no-store'}).then(r=>{if(r.status===401){q('state').innerHTML='Signed out: <a href="/login">sign in again</a> to follow the run.';return null;}if(!r.ok)throw new Error('HTTP '+r.status);return r.json()}).then(p=>{
if(p===null)return;if(lost){q('state').textContent='Reconnected.';lost=0;}wait=2000;
q('count').textContent=p.attempts+' attempts so far ('+p.passed+' passed, '+p.failed+' failed, '+p.errors+' errors)';
if(p.status!=='running'){location.reload();return;}setTimeout(tick,wait);
}).catch(()=>{lost++;wait=Math.min(30000,wait*2);q('state').textContent='Connection lost; reconnecting in '+Math.round(wait/1000)+' s (try '+lost+').';setTimeout(tick,wait);});
setTimeout(tick,wait);})();`;
}
