import { createHash } from "node:crypto";
import { html } from "hono/html";
import { stringify } from "yaml";
import type { Failure } from "../../core/index.js";
import {
  DRAFT_SEVERITIES,
  DRAFT_STATUSES,
  type DraftStatus,
  type EvalDraftRecord,
  toRecord,
} from "../../evalgen/index.js";
import { pageOf, pager, statusBadge, when } from "../format.js";
import { csrfField, empty, type Html, page } from "../layout.js";
import type { PageContext } from "../types.js";
import { clip, failureLink } from "./failures.js";

const PAGE = 20;
export const DEFAULT_SUITE = "suites/regressions.yaml";

/** A fingerprint of the case a reviewer saw, so an approval cannot write an edit they did not. */
export function caseHash(draft: EvalDraftRecord): string {
  return createHash("sha256").update(JSON.stringify(draft.case)).digest("hex").slice(0, 16);
}

/** The case as the edit box shows it (YAML; JSON is accepted back too). */
export const caseYaml = (draft: EvalDraftRecord): string => stringify(draft.case, { lineWidth: 0 });

/** What the reviewer typed, put back into the forms when a write is refused. */
export interface ReviewInput {
  owner?: string;
  severity?: string;
  suite?: string;
  by?: string;
  reason?: string;
  case?: string;
  /** The last approval was refused in a way the reviewer may overrule: offer "approve anyway". */
  offerForce?: boolean;
}

function failureCard(f: Failure): Html {
  return html`<div><p>${failureLink(f.id)} <span class="badge">${f.signal_type}</span> <span class="badge">${f.severity}</span> seen ${f.count}×</p>
<p>${f.reason}${f.error ? html` — <span class="fail">${clip(f.error, 200)}</span>` : ""}</p>
<p class="muted">Input</p><pre>${clip(f.input, 600)}</pre><p class="muted">Output</p><pre>${clip(f.output, 600)}</pre></div>`;
}

function reviewForms(ctx: PageContext, d: EvalDraftRecord, input: ReviewInput): Html {
  if (ctx.role !== "write")
    return html`<p class="muted">Approving, editing and rejecting need the write token.</p>`;
  const action = `/review/${encodeURIComponent(d.id)}`;
  const by = input.by ?? "";
  return html`<form method="post" action="${action}/approve" class="filters">${csrfField(ctx)}
<input type="hidden" name="seen" value="${caseHash(d)}">
<label>Owner (team)<input name="owner" required value="${input.owner ?? d.case.owner ?? ""}"></label>
<label>Severity<select name="severity">${DRAFT_SEVERITIES.map(
    (s) =>
      html`<option ${(input.severity ?? d.case.severity) === s ? "selected" : ""}>${s}</option>`,
  )}</select></label>
<label>Suite file<input name="suite" required value="${input.suite ?? DEFAULT_SUITE}"></label>
<label>Who approves<input name="by" required value="${by}"></label>
${input.offerForce ? html`<label><span><input type="checkbox" name="force" value="1"> Approve anyway</span></label>` : ""}
<button>Approve</button></form>
<form method="post" action="${action}/reject" class="filters">${csrfField(ctx)}
<label>Reason<input name="reason" required size="50" value="${input.reason ?? ""}"></label>
<label>Who rejects<input name="by" required value="${by}"></label>
<button class="danger">Reject</button></form>
<details ${input.case !== undefined ? "open" : ""}><summary>Edit the case (YAML or JSON)</summary>
<form method="post" action="${action}/edit">${csrfField(ctx)}
<label>Case<textarea name="case" rows="18" cols="90" spellcheck="false">${input.case ?? caseYaml(d)}</textarea></label>
<p><button>Save the edit</button> <span class="muted">checked like a suite case; a bad edit keeps the draft as it was</span></p></form></details>`;
}

/** One draft beside the failures it came from, with its forms while it is pending. */
async function draftBlock(
  ctx: PageContext,
  d: EvalDraftRecord,
  input: ReviewInput = {},
): Promise<Html> {
  const failures: Failure[] = [];
  for (const id of d.failure_ids) {
    const f = await ctx.store.failures.get(id);
    if (f) failures.push(f);
  }
  const x = d.fixture;
  return html`<section aria-labelledby="h-${d.id}" style="border-top:2px solid #d0d5dd;padding-top:.5rem">
<h2 id="h-${d.id}"><a href="/review/${encodeURIComponent(d.id)}">${d.case.id}</a> ${statusBadge(d.status)}</h2>
<div style="display:grid;grid-template-columns:repeat(auto-fit,minmax(28rem,1fr));gap:1rem">
<div><h3>Draft ${d.id}</h3><div class="kv">
<span class="muted">Expected</span><span>${x.expected_behaviour}</span>
<span class="muted">Failure mode</span><span>${x.failure_mode}</span>
<span class="muted">Severity</span><span>${d.case.severity}</span>
<span class="muted">From</span><span>${d.cluster_id ? html`<a href="/clusters/${encodeURIComponent(d.cluster_id)}">cluster ${d.cluster_id}</a>` : "incident"}</span>
<span class="muted">Confirmed</span><span>${d.confirm ? `${d.confirm.failed_epochs}/${d.confirm.epochs} epochs failed on the champion (run ${d.confirm.run_id})` : "not run"}</span>
<span class="muted">Drafted</span><span>${when(d.created_at)} by ${x.drafted_by}</span>
${d.reviewer ? html`<span class="muted">Reviewed</span><span>${d.reviewer} at ${when(d.reviewed_at)}${d.target_suite ? ` → ${d.target_suite}` : ""}</span>` : ""}
${d.reason ? html`<span class="muted">Reason</span><span>${d.reason}</span>` : ""}
</div>
${x.conflicts?.length ? html`<p class="fail" role="note">Contradicts approved cases:</p><ul>${x.conflicts.map((c) => html`<li>${c}</li>`)}</ul>` : ""}
${x.notes.length ? html`<ul>${x.notes.map((n) => html`<li class="warn">${n}</li>`)}</ul>` : ""}
<pre>${caseYaml(d)}</pre></div>
<div><h3>From failure${failures.length === 1 ? "" : "s"}</h3>${
    failures.length === 0
      ? html`<p class="muted">The failures are no longer stored.</p>`
      : failures.map(failureCard)
  }</div></div>
${d.status === "draft" ? reviewForms(ctx, d, input) : ""}</section>`;
}

/** The review queue: pending drafts oldest first (or, with `status`, the reviewed ones). */
export async function reviewPage(
  ctx: PageContext,
  url: URL,
): Promise<{ body: Html; status: number }> {
  const raw = url.searchParams.get("status")?.trim() || "draft";
  const valid = raw === "all" || (DRAFT_STATUSES as readonly string[]).includes(raw);
  const status = valid ? raw : "draft";
  // Paged in SQL: a queue of thousands of drafts reads one page of them.
  const filter = status === "all" ? {} : { status: [status as DraftStatus] };
  const p = pageOf(url);
  const total = await ctx.store.evalDrafts.count(filter);
  const shown = (await ctx.store.evalDrafts.list({ ...filter, limit: PAGE, offset: p * PAGE })).map(
    toRecord,
  );
  const form = html`<form class="filters" method="get" action="/review"><label>Status<select name="status">${[
    ...DRAFT_STATUSES,
    "all",
  ].map(
    (s) => html`<option ${s === status ? "selected" : ""}>${s}</option>`,
  )}</select></label><button>Show</button></form>`;
  const blocks: Html[] = [];
  for (const d of shown) blocks.push(await draftBlock(ctx, d));
  const nothing = status === "draft" && (await ctx.store.evalDrafts.count()) === 0;
  const approved = url.searchParams.get("approved");
  const done = approved
    ? html`<p class="empty pass" role="status">Approved ${approved}${url.searchParams.get("merged") === "1" ? "; its suite file had changed since the draft was made, and the case was merged into the file as it is now" : ""}.</p>`
    : "";
  const body = html`${done}${valid ? "" : html`<p class="empty fail" role="alert">status must be one of ${DRAFT_STATUSES.join(", ")} or all, got '${raw}'; showing pending drafts.</p>`}${
    nothing
      ? empty("No eval drafts yet.", "npx ratchet evals draft --cluster <id>")
      : html`${form}${
          shown.length === 0
            ? html`<p class="empty">No ${status === "all" ? "" : `${status} `}drafts. ${status === "draft" ? html`Draft more: <code>npx ratchet evals draft --cluster &lt;id&gt;</code>` : ""}</p>`
            : html`<p class="muted">${total} ${status === "draft" ? "pending " : status === "all" ? "" : `${status} `}draft${total === 1 ? "" : "s"}, oldest first.</p>${blocks}${pager(url, p, PAGE, shown.length, total)}`
        }`
  }`;
  return {
    body: page(ctx, { title: "Review queue", path: "/review", body }),
    status: valid ? 200 : 400,
  };
}

/** One draft on its own page: where a refused write comes back with its notice. */
export async function draftPage(
  ctx: PageContext,
  id: string,
  notice?: Html,
  input?: ReviewInput,
): Promise<Html | undefined> {
  const stored = await ctx.store.evalDrafts.get(id);
  if (stored === undefined) return undefined;
  const d = toRecord(stored);
  const body = html`${notice ?? ""}<p><a href="/review">← review queue</a></p>${await draftBlock(ctx, d, input)}`;
  return page(ctx, { title: `Draft ${d.case.id}`, path: "/review", body });
}
