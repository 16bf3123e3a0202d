import type { Hono } from "hono";
import { html } from "hono/html";
import type { GateEvidence } from "../../gate/index.js";
import { outcomeOf } from "../../gate/index.js";
import { interval, pValue, signedPoints } from "../../gate/report/format.js";
import type { WebEnv } from "../app.js";
import { render } from "../app.js";
import { pageOf, pager, pct, short, statusBadge, when } from "../format.js";
import { empty, type Html, page } from "../layout.js";
import type { PageContext } from "../types.js";
import { decisionLink, versionLink } from "./links.js";

const PAGE = 50;

/** Gate decisions, newest first, optionally of one prompt. */
export async function gateListPage(ctx: PageContext, url: URL): Promise<Html> {
  const p = pageOf(url);
  const prompt = url.searchParams.get("prompt")?.trim() || undefined;
  const { rows, total } = ctx.store.web.gateDecisions({
    ...(prompt ? { prompt } : {}),
    limit: PAGE,
    offset: p * PAGE,
  });
  const body =
    total === 0 && prompt === undefined
      ? empty(
          "No gate decisions yet.",
          "npx ratchet gate --champion <name>@production --challenger <name>@<hash>",
        )
      : html`<form class="filters" method="get" action="/gate"><label>Prompt<input type="search" name="prompt" value="${prompt ?? ""}"></label><button>Filter</button></form>
<table><thead><tr><th>Decision</th><th>When</th><th>Champion</th><th>Challenger</th><th>Change</th><th>Verdict</th><th>Why</th><th>By</th></tr></thead><tbody>
${rows.map(
  (d) =>
    html`<tr><td>${decisionLink(d.id)}</td><td>${when(d.created_at)}</td><td>${versionLink(d.champion)}</td><td>${versionLink(d.challenger)}</td>
<td>${d.change_type}</td><td>${statusBadge(d.verdict)}</td><td>${d.reason}</td><td>${d.actor}</td></tr>`,
)}</tbody></table>${pager(url, p, PAGE, rows.length, total)}`;
  return page(ctx, { title: "Gate decisions", path: "/gate", body });
}

/** The evidence of a verdict as `ratchet gate show` renders it, with links along the chain. */
export async function gateDecisionPage(ctx: PageContext, ref: string): Promise<Html | undefined> {
  const id = await ctx.store.gate.resolveDecisionId(ref);
  const decision = id ? await ctx.store.gate.getDecision(id) : undefined;
  if (decision === undefined) return undefined;
  const { evidence } = outcomeOf(decision);
  // Decisions recorded by hand or by older versions may carry no evidence document.
  const full = isEvidence(evidence) ? evidence : undefined;
  const moves = (await ctx.store.prompts.labelHistory(decision.prompt_name)).filter(
    (m) => m.decision_id === decision.id,
  );
  const cycle = ctx.store.web.cycleOfDecision(decision.id);
  const summary = html`<div class="kv">
<span class="muted">Verdict</span><span>${statusBadge(decision.verdict)}</span>
<span class="muted">Challenger</span><span>${versionLink(decision.challenger)}</span>
<span class="muted">Champion</span><span>${versionLink(decision.champion)}</span>
<span class="muted">Change</span><span>${decision.change_type}${full ? ` · ${full.cases} cases` : ""}</span>
<span class="muted">When / by</span><span>${when(decision.created_at)} · ${decision.actor}</span>
${cycle ? html`<span class="muted">Cycle</span><span><a href="/cycles/${cycle}">${cycle}</a></span>` : ""}
<span class="muted">Runs</span><span>champion ${runLinks(decision.champion_runs)}; challenger ${runLinks(decision.challenger_runs)}</span>
</div>
<h2>Why</h2><ul>${decision.reasons.map((r) => html`<li>${r}</li>`)}</ul>`;
  const labelMoves = html`<h2>Label moves</h2>${
    moves.length === 0
      ? html`<p class="muted">This decision moved no label.</p>`
      : html`<table><thead><tr><th>When</th><th>Label</th><th>Move</th><th>Kind</th><th>Who</th></tr></thead><tbody>${moves.map(
          (m) =>
            html`<tr><td>${when(m.at)}</td><td><a href="/prompts/${encodeURIComponent(m.name)}">${m.name}@${m.label}</a></td>
<td>${m.from_hash ? short(m.from_hash) : "—"} → ${m.to_hash ? short(m.to_hash) : "removed"}</td><td>${m.kind}</td><td>${m.actor}</td></tr>`,
        )}</tbody></table>`
  }`;
  const body = full
    ? html`${summary}${evidenceHtml(full)}${labelMoves}`
    : html`${summary}<p class="empty">This decision was stored without its evidence.</p>${labelMoves}`;
  return page(ctx, { title: `Gate decision ${decision.id}`, path: "/gate", body });
}

function runLinks(ids: string[]): Html {
  if (ids.length === 0) return html`<span class="muted">none</span>`;
  return html`${ids.map((r, i) => html`${i > 0 ? ", " : ""}<a href="/runs/${r}">${r}</a>`)}`;
}

function isEvidence(v: unknown): v is GateEvidence {
  const e = v as Partial<GateEvidence> | null;
  return (
    typeof e === "object" &&
    e !== null &&
    typeof e.verdict === "object" &&
    Array.isArray(e.verdict?.dimensions) &&
    Array.isArray(e.rounds)
  );
}

function evidenceHtml(e: GateEvidence): Html {
  const v = e.verdict;
  const needed = v.needed
    ? html`<p class="warn">To decide: ${
        [
          v.needed.epochs !== undefined ? `${v.needed.epochs} more epochs` : "",
          v.needed.cases !== undefined ? `${v.needed.cases} more cases` : "",
        ]
          .filter(Boolean)
          .join(" or ") || "more evidence"
      } (${v.needed.why})</p>`
    : "";
  const dims = html`<h2>Dimensions</h2><table><thead><tr><th>Dimension</th><th class="num">Champion</th><th class="num">Challenger</th>
<th class="num">Delta</th><th>Interval</th><th>Test</th><th class="num">p</th><th class="num">p (Holm)</th><th>Outcome</th></tr></thead><tbody>
${v.dimensions.map(
  (d) =>
    html`<tr><td>${d.dimension}${d.judgeCorrection ? html`<br><span class="muted">judge-corrected: ${d.judgeCorrection.note}</span>` : ""}</td>
<td class="num">${pct(d.champion)}</td><td class="num">${pct(d.challenger)}</td><td class="num">${signedPoints(d.delta)}</td>
<td>${interval(d)}</td><td>${d.test}</td><td class="num">${pValue(d.pValue)}</td><td class="num">${pValue(d.pAdjusted)}</td>
<td class="${d.outcome === "better" ? "pass" : d.outcome === "worse" ? "fail" : "muted"}">${d.outcome.replace("_", " ")}</td></tr>`,
)}</tbody></table>`;
  const confirmed = v.regressions.filter((r) => !r.flaky);
  const flaky = v.regressions.filter((r) => r.flaky);
  const regressionTable = (rows: typeof v.regressions) =>
    html`<table><thead><tr><th>Case</th><th>Severity</th><th class="num">Champion pass</th><th class="num">Challenger pass</th><th class="num">Epochs</th></tr></thead><tbody>
${rows.map(
  (r) =>
    html`<tr><td>${r.caseId}</td><td>${r.severity}</td><td class="num">${pct(r.championPassRate)}</td><td class="num">${pct(r.challengerPassRate)}</td><td class="num">${r.epochs}</td></tr>`,
)}</tbody></table>`;
  const regressions = html`<h2>Regressions (${confirmed.length})</h2>${
    confirmed.length === 0 ? html`<p class="muted">none</p>` : regressionTable(confirmed)
  }${flaky.length > 0 ? html`<h2>Flaky cases (${flaky.length})</h2><p class="muted">Unstable across epochs or in their history: not counted as regressions.</p>${regressionTable(flaky)}` : ""}
${v.fixes.length > 0 ? html`<h2>Fixed (${v.fixes.length})</h2><p>${v.fixes.join(", ")}</p>` : ""}`;
  const path = e.sequential
    ? html`<h2>Sequential test path</h2><table><thead><tr><th class="num">Round</th><th class="num">Pairs</th><th class="num">Epochs per case</th><th>Verdict</th><th>Why</th></tr></thead><tbody>
${e.rounds.map(
  (r) =>
    html`<tr><td class="num">${r.round}</td><td class="num">${r.pairs}</td><td class="num">${r.maxEpochs}</td><td>${statusBadge(r.verdict)}</td><td>${r.reasons.join("; ")}</td></tr>`,
)}</tbody></table>`
    : "";
  const c = e.confirmation;
  const confirmation = c
    ? html`<h2>Confirmation</h2><p>On the ${c.on} (${c.cases} cases, seed ${c.seed}): ${
        c.confirmed
          ? html`<span class="pass">confirmed</span>`
          : html`<span class="fail">not confirmed</span>`
      } · ${statusBadge(c.verdict.verdict)}</p><ul>${c.verdict.reasons.map((r) => html`<li>${r}</li>`)}</ul>`
    : "";
  const promotion = e.promotion?.requested
    ? html`<h2>Promotion</h2><p>${e.promotion.moved ? html`<span class="pass">moved</span>` : html`<span class="muted">not moved</span>`} ${e.promotion.label}: ${e.promotion.why}</p>`
    : "";
  const judges =
    e.judgeNoise.length > 0 || (e.judgeNotes ?? []).length > 0
      ? html`<h2>Judges</h2><ul>${e.judgeNoise.map(
          (j) =>
            html`<li>${j.dimension} corrected for ${j.judge}'s error rates (sensitivity ${pct(j.sensitivity)}, specificity ${pct(j.specificity)}, ${j.positives + j.negatives} human labels)</li>`,
        )}${(e.judgeNotes ?? []).map((n) => html`<li>${n}</li>`)}</ul>`
      : "";
  const how = html`<h2>How this was decided</h2><div class="kv">
<span class="muted">Test</span><span>${e.settings.test}, α = ${e.settings.alpha} (Holm across dimensions)</span>
<span class="muted">Minimum score</span><span>${pct(e.settings.minimumScore)}; regression tolerance ${signedPoints(e.settings.regressionTolerance)}</span>
<span class="muted">Design</span><span>${e.sequential ? `sequential, ${e.rounds.length} rounds, up to ${e.rounds.at(-1)?.maxEpochs ?? 0} epochs per case` : `fixed, ${e.rounds[0]?.maxEpochs ?? 0} epochs per case`}; seed ${e.settings.seed}</span>
<span class="muted">Attempts</span><span>champion ${e.champion.ran} run + ${e.champion.reused} reused; challenger ${e.challenger.ran} run + ${e.challenger.reused} reused</span>
<span class="muted">What changed</span><span>${e.changed.join(", ") || "content"}</span>
${e.shadow ? html`<span class="muted">Shadow</span><span>${e.shadow}</span>` : ""}
</div>`;
  return html`${needed}${dims}${regressions}${path}${confirmation}${promotion}${judges}${how}`;
}

export function registerGatePages(app: Hono<WebEnv>): void {
  app.get("/gate", async (c) => render(c, await gateListPage(c.get("page"), new URL(c.req.url))));
  app.get("/gate/:id", async (c) =>
    render(c, await gateDecisionPage(c.get("page"), c.req.param("id"))),
  );
}
