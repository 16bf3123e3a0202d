import { html } from "hono/html";
import { RUN_PURPOSES } from "../../core/index.js";
import { num, pageOf, pager, pct, shortVersion, statusBadge, usd, when } from "../format.js";
import { empty, type Html, page } from "../layout.js";
import type { PageContext } from "../types.js";

const PAGE = 50;

/** Runs a list shows unless asked: every purpose but drafts' confirmation runs. */
export const LISTED_PURPOSES: readonly string[] = RUN_PURPOSES.filter((p) => p !== "confirmation");

/** `?purpose=`: empty for the default list, `all`, or one purpose (anything else: default). */
function purposesOf(value: string | undefined): readonly string[] | undefined {
  if (value === "all") return undefined;
  if (value !== undefined && (RUN_PURPOSES as readonly string[]).includes(value)) return [value];
  return LISTED_PURPOSES;
}

/** Runs, newest first, filtered by suite, model, prompt version, status and purpose. */
export async function runsPage(ctx: PageContext, url: URL): Promise<Html> {
  const p = pageOf(url);
  const q = (k: string) => url.searchParams.get(k)?.trim() || undefined;
  const filter = {
    suite: q("suite"),
    model: q("model"),
    version: q("version"),
    status: q("status"),
    purpose: q("purpose"),
  };
  const purposes = purposesOf(filter.purpose);
  const { purpose: _shown, ...columns } = filter;
  const { rows, total } = ctx.store.web.runs({
    ...Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined)),
    ...(purposes ? { purposes } : {}),
    limit: PAGE,
    offset: p * PAGE,
  });
  const form = html`<form class="filters" method="get" action="/runs">
<label>Suite<input name="suite" value="${filter.suite ?? ""}"></label>
<label>Model<input name="model" value="${filter.model ?? ""}" placeholder="sim:support"></label>
<label>Prompt version<input type="search" name="version" value="${filter.version ?? ""}" placeholder="support@"></label>
<label>Status<select name="status"><option value="">any</option>${[
    "running",
    "completed",
    "failed",
    "interrupted",
  ].map(
    (s) => html`<option ${filter.status === s ? "selected" : ""}>${s}</option>`,
  )}</select></label>
<label>Purpose<select name="purpose"><option value="">all but confirmation</option>${[
    ...RUN_PURPOSES,
    "all",
  ].map(
    (s) => html`<option ${filter.purpose === s ? "selected" : ""}>${s}</option>`,
  )}</select></label><button>Filter</button></form>`;
  const body =
    total === 0 && Object.values(filter).every((v) => v === undefined)
      ? empty("No runs yet.", "npx ratchet eval")
      : html`${form}<form method="get" action="/compare" id="compare"></form>
<p class="muted">Tick two runs of one suite, then <button form="compare">Compare</button> (the older is a, the newer b).</p>
<table><thead><tr><th><span class="skip">Compare</span></th><th>Run</th><th>Started</th><th>Suite</th><th>Prompt version</th><th>Models</th><th>Status</th>
<th class="num">Attempts</th><th class="num">Pass rate</th><th class="num">Score</th><th class="num">Cost</th></tr></thead><tbody>
${rows.map((r) => {
  const t = r.totals;
  return html`<tr><td><input type="checkbox" name="run" value="${r.id}" form="compare" aria-label="compare ${r.id}"></td><td><a href="/runs/${r.id}">${r.id}</a></td><td>${when(r.started_at)}</td><td>${r.suite}</td>
<td title="${r.prompt_version ?? ""}">${shortVersion(r.prompt_version)}</td><td>${r.models.join(", ")}</td><td>${statusBadge(r.status)}</td>
<td class="num">${t ? t.attempts : "—"}</td><td class="num">${t ? pct(t.pass_rate) : "—"}</td>
<td class="num">${t ? num(t.score) : "—"}</td><td class="num">${t ? usd(t.cost_usd) : "—"}</td></tr>`;
})}</tbody></table>${pager(url, p, PAGE, rows.length, total)}`;
  return page(ctx, { title: "Runs", path: "/runs", body });
}
