import type { Hono } from "hono";
import { html } from "hono/html";
import type { CycleRecord } from "../../loop/index.js";
import type { OptimizationRecord, ProposalRecord } from "../../optimize/types.js";
import type { WebEnv } from "../app.js";
import { render } from "../app.js";
import { num, pageOf, pager, pct, short, statusBadge, usd, when } from "../format.js";
import { empty, type Html, page } from "../layout.js";
import type { PageContext } from "../types.js";
import { decisionLink, versionLink } from "./links.js";

const PAGE = 50;

// A cycle stopped in its first phase may not have recorded any spend yet.
const spent = (r: CycleRecord) =>
  r.spend ? r.spend.evaluation_usd + r.spend.optimization_usd + (r.spend.gate_usd ?? 0) : 0;

/** Improvement cycles, newest first: what each found, promoted and spent. */
export async function cyclesPage(ctx: PageContext, url: URL): Promise<Html> {
  const p = pageOf(url);
  const { rows, total } = ctx.store.web.cycles({ limit: PAGE, offset: p * PAGE });
  const body =
    total === 0
      ? empty("No improvement cycles yet.", "npx ratchet improve")
      : html`<table><thead><tr><th>Cycle</th><th>Started</th><th>Prompt</th><th>Status</th><th class="num">Score</th>
<th class="num">Clusters targeted</th><th>Gate</th><th>Champion after</th><th class="num">Spent</th><th>Outcome</th></tr></thead><tbody>
${rows.map((row) => {
  const r = row.doc as CycleRecord;
  return html`<tr><td><a href="/cycles/${row.id}">${row.id}</a></td><td>${when(row.started_at)}</td><td>${row.prompt_name}</td>
<td>${statusBadge(row.status)}</td><td class="num">${pct(r.evaluation?.mean)}</td>
<td class="num">${(r.clusters ?? []).filter((c) => c.targeted).length}</td>
<td>${r.gate ? html`${decisionLink(r.gate.decision_id)} ${statusBadge(r.gate.verdict)}` : "—"}</td>
<td>${r.champion_after ? versionLink(r.champion_after) : html`<span class="muted">held</span>`}</td>
<td class="num">${usd(spent(r))}</td><td>${r.outcome || html`<span class="muted">in progress</span>`}</td></tr>`;
})}</tbody></table>${pager(url, p, PAGE, rows.length, total)}`;
  return page(ctx, { title: "Improvement cycles", path: "/cycles", body });
}

/**
 * One cycle as `ratchet cycles show` tells it, as a chain of links: the failing cases, the
 * clusters they formed, the patches tried for them, the gate decision and the label it moved.
 */
export async function cyclePage(ctx: PageContext, ref: string): Promise<Html | undefined> {
  const id = await ctx.store.loop.resolveCycleId(ref);
  const row = id ? await ctx.store.loop.getCycle<CycleRecord>(id) : undefined;
  if (row === undefined) return undefined;
  const r = row.doc;
  const optimization = r.optimization
    ? await ctx.store.loop.getOptimization<OptimizationRecord>(r.optimization.id)
    : undefined;
  const proposals = r.optimization
    ? await ctx.store.loop.proposals<ProposalRecord>(r.optimization.id)
    : [];
  const moves = r.gate
    ? (await ctx.store.prompts.labelHistory(r.prompt_name)).filter(
        (m) => m.decision_id === r.gate?.decision_id,
      )
    : [];
  const evalRun = r.evaluation?.runs[0];
  const caseLink = (caseId: string) =>
    evalRun
      ? html`<a href="/runs/${evalRun}?q=${encodeURIComponent(caseId)}">${caseId}</a>`
      : html`${caseId}`;

  const summary = html`<div class="kv">
<span class="muted">Status</span><span>${statusBadge(r.status)} · next phase ${r.phase}${r.error ? html` · <span class="fail">${r.error}</span>` : ""}</span>
<span class="muted">Preset / mode</span><span>${r.preset?.name ?? "—"} · ${r.mode}</span>
<span class="muted">Champion</span><span>${versionLink(r.champion_before)} (${r.prompt_name}@${r.champion_label})${r.champion_after ? html` → ${versionLink(r.champion_after)}` : ""}</span>
${r.carried_from ? html`<span class="muted">Built on</span><span>${versionLink(r.carried_from.version)}, held by <a href="/cycles/${r.carried_from.cycle}">${r.carried_from.cycle}</a></span>` : ""}
<span class="muted">Started</span><span>${when(r.started_at)}${r.finished_at ? ` · finished ${when(r.finished_at)}` : ""}</span>
<span class="muted">Outcome</span><span>${r.outcome || "(in progress)"}</span>
${r.spend ? html`<span class="muted">Spent</span><span>${usd(spent(r))} (evaluation ${usd(r.spend.evaluation_usd)}, optimization ${usd(r.spend.optimization_usd)}, gate ${usd(r.spend.gate_usd ?? 0)}) · ${r.spend.rollouts} rollouts · ${num(r.spend.seconds)} s</span>` : ""}
</div>`;

  const evaluation = r.evaluation
    ? html`<h2>1. What failed</h2><p>Score ${pct(r.evaluation.mean)}, pass rate ${pct(r.evaluation.pass_rate)}: ${r.evaluation.failing_cases} of ${r.evaluation.cases} cases failing over ${r.evaluation.epochs} epochs.
Runs: ${r.evaluation.runs.map((id, i) => html`${i > 0 ? ", " : ""}<a href="/runs/${id}">${id}</a>`)}.</p>
${(r.evaluation.failing_ids ?? []).length > 0 ? html`<p>Failing cases: ${(r.evaluation.failing_ids ?? []).map((c, i) => html`${i > 0 ? ", " : ""}${caseLink(c)}`)}</p>` : ""}
${r.mined ? html`<p class="muted">Mined ${r.mined.eval_failures} eval failures and ${r.mined.production_signals} production signals; ${r.mined.resolved} resolved.</p>` : ""}`
    : "";

  const clusters = r.clusters ?? [];
  const clusterHtml =
    clusters.length > 0 || (r.unclustered_cases ?? []).length > 0
      ? html`<h2>2. What was wrong (failure clusters)</h2><table><thead><tr><th>Cluster</th><th class="num">Size</th><th>Track</th><th>Targeted</th><th>Why</th></tr></thead><tbody>
${clusters.map(
  (c) =>
    html`<tr><td><a href="/clusters/${c.id}">${c.label}</a><br><span class="muted">${c.id}</span></td><td class="num">${c.size}</td>
<td>${c.track} <span class="muted">(${pct(c.confidence)})</span></td><td>${c.targeted ? "yes" : "no"}</td><td>${c.why}${c.ticket ? html`<br><span class="muted">harness ticket: ${c.ticket}</span>` : ""}</td></tr>`,
)}</tbody></table>${(r.unclustered_cases ?? []).length > 0 ? html`<p>Not clustered (optimized as one more target): ${(r.unclustered_cases ?? []).map((c, i) => html`${i > 0 ? ", " : ""}${caseLink(c)}`)}</p>` : ""}`
      : "";

  const drafts = r.drafts
    ? html`<p class="muted">Eval drafts: ${r.drafts.created} created, ${r.drafts.queued} queued for review, ${r.drafts.exploratory} exploratory. ${r.drafts.notes.join(" ")}</p>`
    : "";

  const tried = r.optimization
    ? html`<h2>3. What was tried</h2><p>Optimization ${r.optimization.id}: ${statusBadge(r.optimization.status)} · best candidate ${versionLink(r.optimization.best_version)} · ${r.optimization.rollouts} rollouts, ${r.optimization.proposer_calls} proposer calls, ${usd(r.optimization.usd)}</p>
${optimization?.doc.plan ? html`<p class="muted">${optimization.doc.plan}</p>` : ""}
${r.optimization.fixed.length > 0 ? html`<ul>${r.optimization.fixed.map((f) => html`<li><a href="/clusters/${f.cluster}">${f.label}</a>: ${f.status}</li>`)}</ul>` : ""}
${
  proposals.length === 0
    ? html`<p class="muted">No proposals recorded.</p>`
    : html`<table><thead><tr><th class="num">#</th><th>Cluster</th><th>Patch</th><th>Candidate</th><th>Validation</th><th>Verdict</th><th>Why</th><th class="num">Cost</th></tr></thead><tbody>
${proposals.map(
  (pr) =>
    html`<tr><td class="num">${pr.seq}</td><td>${pr.cluster_id ? html`<a href="/clusters/${pr.cluster_id}">${pr.cluster_id}</a>` : "—"}</td>
<td>${pr.patch ? html`<strong>${pr.patch.operation}</strong> ${pr.patch.instruction ?? ""}${pr.patch.target ? html`<br><span class="muted">was: ${pr.patch.target}</span>` : ""}<br><span class="muted">${pr.patch.rationale}</span>` : html`<span class="muted">${pr.raw ? "unreadable answer" : "no patch"}</span>`}
<br><span class="muted">by ${pr.proposer}</span></td>
<td>${versionLink(pr.candidate_version)}</td>
<td>${stage(pr.stages.validation ?? pr.stages.train ?? pr.stages.target)}</td>
<td>${statusBadge(pr.verdict)}</td><td>${pr.reason}</td><td class="num">${usd(pr.cost_usd)}</td></tr>`,
)}</tbody></table>`
}`
    : "";

  const gate = r.gate
    ? html`<h2>4. Gate decision</h2><p>${decisionLink(r.gate.decision_id)} ${statusBadge(r.gate.verdict)}${r.gate.promoted ? html` — <span class="pass">promoted to ${r.prompt_name}@${r.gate.label}</span>` : html` — <span class="muted">held</span>`}</p>
<ul>${r.gate.reasons.slice(0, 4).map((x) => html`<li>${x}</li>`)}</ul>
<h2>5. Label moves</h2>${
        moves.length === 0
          ? html`<p class="muted">No label moved.</p>`
          : html`<ul>${moves.map(
              (m) =>
                html`<li>${when(m.at)} <a href="/prompts/${encodeURIComponent(m.name)}">${m.name}@${m.label}</a>: ${m.from_hash ? short(m.from_hash) : "—"} → ${m.to_hash ? short(m.to_hash) : "removed"} (${m.kind} by ${m.actor})</li>`,
            )}</ul>`
      }`
    : "";

  const decisions = html`<h2>Decisions, in order</h2><ol>${(r.decisions ?? []).map((d) => html`<li>${d}</li>`)}</ol>`;
  return page(ctx, {
    title: `Cycle ${r.id}`,
    path: "/cycles",
    body: html`<p><a href="/cycles">← cycles</a></p>${summary}${evaluation}${clusterHtml}${drafts}${tried}${gate}${decisions}`,
  });
}

function stage(s: ProposalRecord["stages"]["validation"]): Html {
  if (!s) return html`—`;
  return html`${pct(s.passRate)} pass on ${s.cases} cases${s.delta !== undefined ? html`<br><span class="muted">Δ ${num(s.delta)}${s.pValue !== undefined ? `, p ${num(s.pValue, 2)}` : ""}</span>` : ""}${s.fixed !== undefined ? html`<br><span class="muted">fixed ${s.fixed}</span>` : ""}`;
}

export function registerCyclePages(app: Hono<WebEnv>): void {
  app.get("/cycles", async (c) => render(c, await cyclesPage(c.get("page"), new URL(c.req.url))));
  app.get("/cycles/:id", async (c) => render(c, await cyclePage(c.get("page"), c.req.param("id"))));
}
