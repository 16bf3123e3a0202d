import { html } from "hono/html";
import {
  FAILURE_SEVERITIES,
  FAILURE_SIGNAL_TYPES,
  FAILURE_STATUSES,
  type Failure,
} from "../../core/index.js";
import { num, pageOf, pager, statusBadge, when } from "../format.js";
import { csrfField, empty, type Html, page } from "../layout.js";
import type { PageContext } from "../types.js";

const PAGE = 50;
const EVIDENCE_CHARS = 160;

/** The statuses a reviewer sets from the dashboard (duplicates are linked by the miner). */
export const TRIAGE_CHOICES = ["accepted", "dismissed", "new"] as const;

export function clip(text: string, n = EVIDENCE_CHARS): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

export const failureLink = (id: string): Html =>
  html`<a href="/failures/${encodeURIComponent(id)}">${id}</a>`;

/** Filters read from the query string; a value outside its list is a problem, not a filter. */
function filtersOf(url: URL) {
  const q = (k: string) => url.searchParams.get(k)?.trim() || undefined;
  const problems: string[] = [];
  const pick = <T extends string>(key: string, allowed: readonly T[]): T | undefined => {
    const value = q(key);
    if (value === undefined) return undefined;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problems.push(`${key} must be one of ${allowed.join(", ")}, got '${value}'`);
    return undefined;
  };
  const status = pick("status", [...FAILURE_STATUSES, "all"] as const);
  return {
    filter: {
      status,
      type: pick("type", FAILURE_SIGNAL_TYPES),
      severity: pick("severity", FAILURE_SEVERITIES),
      q: q("q"),
    },
    problems,
  };
}

/** Ranked failures (the order of `ratchet failures list`), filtered and paged in SQL. */
export async function failuresPage(
  ctx: PageContext,
  url: URL,
): Promise<{ body: Html; status: number }> {
  const { filter, problems } = filtersOf(url);
  const p = pageOf(url);
  const { ids, total } = ctx.store.web.failures({
    ...(filter.status === "all"
      ? { status: [...FAILURE_STATUSES] }
      : filter.status
        ? { status: [filter.status] }
        : {}),
    ...(filter.type ? { type: filter.type } : {}),
    ...(filter.severity ? { severity: filter.severity } : {}),
    ...(filter.q ? { search: filter.q } : {}),
    limit: PAGE,
    offset: p * PAGE,
  });
  const rows: Failure[] = [];
  for (const id of ids) {
    const f = await ctx.store.failures.get(id);
    if (f) rows.push(f);
  }
  const select = (
    name: string,
    values: readonly string[],
    current: string | undefined,
    any: string,
  ) =>
    html`<select name="${name}"><option value="">${any}</option>${values.map(
      (v) => html`<option ${current === v ? "selected" : ""}>${v}</option>`,
    )}</select>`;
  const form = html`<form class="filters" method="get" action="/failures">
<label>Status${select("status", [...FAILURE_STATUSES, "all"], filter.status, "new + accepted")}</label>
<label>Signal${select("type", FAILURE_SIGNAL_TYPES, filter.type, "any")}</label>
<label>Severity${select("severity", FAILURE_SEVERITIES, filter.severity, "any")}</label>
<label>Search<input type="search" name="q" value="${filter.q ?? ""}" placeholder="reason, error, input or output"></label>
<button>Filter</button></form>`;
  const notice =
    problems.length > 0
      ? html`<p class="empty fail" role="alert">Filter not applied: ${problems.join("; ")}.</p>`
      : "";
  const unfiltered = Object.values(filter).every((v) => v === undefined);
  const body =
    total === 0 && unfiltered && problems.length === 0
      ? empty("No failures yet.", "npx ratchet ingest traces.jsonl && npx ratchet failures mine")
      : html`${notice}${form}${
          rows.length === 0
            ? html`<p class="empty">No failure matches these filters.</p>`
            : html`<table><thead><tr><th class="num">#</th><th>Failure</th><th class="num">Score</th><th class="num">Seen</th><th>Severity</th><th>Signal</th><th>Status</th><th>First seen</th><th>Last seen</th><th>Evidence</th><th>Cluster</th></tr></thead><tbody>
${rows.map(
  (
    f,
    i,
  ) => html`<tr><td class="num">${p * PAGE + i + 1}</td><td>${failureLink(f.id)}</td><td class="num">${num(f.score)}</td>
<td class="num">${f.count}</td><td>${f.severity}</td><td>${f.signal_type}</td><td>${statusBadge(f.status)}</td>
<td>${when(f.first_seen)}</td><td>${when(f.last_seen)}</td><td>${clip(f.error ?? f.reason)}</td>
<td>${f.cluster_id ? html`<a href="/clusters/${encodeURIComponent(f.cluster_id)}">${f.cluster_id}</a>` : "—"}</td></tr>`,
)}</tbody></table>${pager(url, p, PAGE, rows.length, total)}`
        }`;
  return {
    body: page(ctx, { title: "Failures", path: "/failures", body }),
    status: problems.length > 0 ? 400 : 200,
  };
}

/** One failure: its evidence, context, triage history, duplicates and the triage form. */
export async function failurePage(
  ctx: PageContext,
  id: string,
  notice?: Html,
): Promise<Html | undefined> {
  const f = await ctx.store.failures.get(id);
  if (f === undefined) return undefined;
  const history = await ctx.store.failures.history(f.id);
  const duplicates = await ctx.store.failures.duplicates(f.id);
  const triage =
    ctx.role !== "write"
      ? html`<p class="muted">Triage needs the write token.</p>`
      : html`<form method="post" action="/failures/${encodeURIComponent(f.id)}/triage" class="filters">${csrfField(ctx)}
<input type="hidden" name="expected" value="${f.status}">
<label>Status<select name="status">${TRIAGE_CHOICES.map(
          (s) => html`<option ${s === "accepted" ? "selected" : ""}>${s}</option>`,
        )}</select></label>
<label>Who decides<input name="by" required autocomplete="name"></label>
<label>Note<input name="note" size="50" placeholder="why (recorded in the history)"></label>
<button>Record triage</button></form>`;
  const body = html`${notice ?? ""}<p><a href="/failures">← failures</a></p>
<div class="kv">
<span class="muted">Status</span><span>${statusBadge(f.status)}${f.duplicate_of ? html` of ${failureLink(f.duplicate_of)}` : ""}</span>
<span class="muted">Trace</span><span>${f.trace_id}</span>
<span class="muted">Signal</span><span>${f.signal_type} (${f.detector}), severity ${f.severity}</span>
<span class="muted">When</span><span>${when(f.timestamp)}${f.agent ? `, agent ${f.agent}` : ""}</span>
<span class="muted">Seen</span><span>${f.count}× — first ${when(f.first_seen)}, last ${when(f.last_seen)}</span>
<span class="muted">Score</span><span>${num(f.score)} (base ${num(f.base_score)} × recurrence)</span>
<span class="muted">Cluster</span><span>${f.cluster_id ? html`<a href="/clusters/${encodeURIComponent(f.cluster_id)}">${f.cluster_id}</a>` : "—"}</span>
<span class="muted">Reason</span><span>${f.reason}</span>
${f.error ? html`<span class="muted">Error</span><span class="fail">${f.error}</span>` : ""}
</div>
<h2>Triage</h2>${triage}
<h2>Evidence</h2><h3>Input</h3><pre>${f.input}</pre><h3>Output</h3><pre>${f.output}</pre>
${
  f.tool_calls.length > 0
    ? html`<h3>Tool calls</h3><table><thead><tr><th>Tool</th><th>Arguments</th><th>Result</th></tr></thead><tbody>${f.tool_calls.map(
        (t) =>
          html`<tr><td>${t.name}</td><td>${clip(t.arguments ?? "", 200)}</td><td>${t.error ? html`<span class="fail">ERROR ${clip(t.error, 200)}</span>` : clip(t.result ?? "", 200)}</td></tr>`,
      )}</tbody></table>`
    : ""
}
<h3>Context</h3><pre>${JSON.stringify(f.context, null, 2)}</pre>
<h3>Trace (redacted)</h3><pre>${f.redacted_text}</pre>
<h2>Triage history</h2>${
    history.length === 0
      ? html`<p class="muted">Not triaged yet.</p>`
      : html`<table><thead><tr><th>When</th><th>Status</th><th>Who</th><th>Note</th></tr></thead><tbody>${history.map(
          (h) =>
            html`<tr><td>${when(h.at)}</td><td>${h.status}${h.duplicate_of ? html` of ${failureLink(h.duplicate_of)}` : ""}</td><td>${h.by}</td><td>${h.note ?? ""}</td></tr>`,
        )}</tbody></table>`
  }
<h2>Duplicates (${duplicates.length})</h2>${
    duplicates.length === 0
      ? html`<p class="muted">None.</p>`
      : html`<table><thead><tr><th>Failure</th><th>Trace</th><th>When</th><th>Status</th></tr></thead><tbody>${duplicates
          .slice(0, PAGE)
          .map(
            (d) =>
              html`<tr><td>${failureLink(d.id)}</td><td>${d.trace_id}</td><td>${when(d.timestamp)}</td><td>${d.status}</td></tr>`,
          )}</tbody></table>${duplicates.length > PAGE ? html`<p class="muted">and ${duplicates.length - PAGE} more.</p>` : ""}`
  }`;
  return page(ctx, { title: `Failure ${f.id}`, path: "/failures", body });
}
