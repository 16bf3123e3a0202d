import { html } from "hono/html";
import { unifiedDiff } from "../../prompts/index.js";
import { previousTarget } from "../../store/index.js";
import { short, when } from "../format.js";
import { csrfField, empty, type Html, page } from "../layout.js";
import type { PageContext } from "../types.js";
import { lineageGraph } from "./lineage.js";

/** Every prompt name with its labels. */
export async function promptsPage(ctx: PageContext): Promise<Html> {
  const names = await ctx.store.prompts.listNames();
  const labels = await ctx.store.prompts.listLabels();
  const body =
    names.length === 0
      ? empty("The registry is empty.", "npx ratchet prompts add <name> <file>")
      : html`<table><thead><tr><th>Prompt</th><th>Labels</th></tr></thead><tbody>${names.map(
          (name) =>
            html`<tr><td><a href="/prompts/${name}">${name}</a></td><td>${labels
              .filter((l) => l.name === name)
              .map(
                (l) => html`<span class="badge">${l.label} → ${short(l.hash)}</span> `,
              )}</td></tr>`,
        )}</tbody></table>`;
  return page(ctx, { title: "Prompts", path: "/prompts", body });
}

/** One prompt: versions with their lineage, labels, the history of label moves, rollback. */
export async function promptPage(
  ctx: PageContext,
  name: string,
  notice?: Html,
): Promise<Html | undefined> {
  if (!(await ctx.store.prompts.listNames()).includes(name)) return undefined;
  const versions = (await ctx.store.prompts.listVersions(name)).reverse();
  const labels = await ctx.store.prompts.listLabels(name);
  const history = (await ctx.store.prompts.labelHistory(name)).reverse();
  const labelsOf = (hash: string) => labels.filter((l) => l.hash === hash).map((l) => l.label);
  const rollbackable: Array<{ label: string; from: string; to: string }> = [];
  for (const label of labels) {
    const target = previousTarget(
      await ctx.store.prompts.labelHistory(name, label.label),
      label.hash,
    );
    if (typeof target === "string")
      rollbackable.push({ label: label.label, from: label.hash, to: target });
  }
  const body = html`${notice ?? ""}
<h2>Labels</h2><table><thead><tr><th>Label</th><th>Version</th><th>Since</th><th></th></tr></thead><tbody>
${labels.map((l) => {
  const back = rollbackable.find((r) => r.label === l.label);
  return html`<tr><td>${l.label}</td><td><a href="/prompts/${name}/${l.hash}">${short(l.hash)}</a></td><td>${when(l.updated_at)}</td>
<td>${back && ctx.role === "write" ? html`<a href="/prompts/${name}/rollback?label=${encodeURIComponent(l.label)}">roll back to ${short(back.to)}…</a>` : ""}</td></tr>`;
})}</tbody></table>
<h2>Versions and lineage</h2>${lineageGraph(name, [...versions].reverse(), labelsOf)}<table><thead><tr><th>Version</th><th>Labels</th><th>From</th><th>Author</th><th>Why</th><th>Created</th></tr></thead><tbody>
${versions.map(
  (
    v,
  ) => html`<tr><td><a href="/prompts/${name}/${v.hash}">${short(v.hash)}</a></td><td>${labelsOf(v.hash).join(", ")}</td>
<td>${v.parents.map((p) => html`<a href="/prompts/${name}/${p}">${short(p)}</a> `)}</td>
<td>${v.author} <span class="muted">(${v.author_kind})</span></td><td>${v.rationale ?? ""}${v.target_cluster ? html` <a href="/clusters/${v.target_cluster}">cluster ${v.target_cluster}</a>` : ""}</td><td>${when(v.created_at)}</td></tr>`,
)}</tbody></table>
<h2>Label history</h2><table><thead><tr><th>When</th><th>Label</th><th>Move</th><th>Kind</th><th>Who</th><th>Why</th></tr></thead><tbody>
${history.map(
  (
    e,
  ) => html`<tr><td>${when(e.at)}</td><td>${e.label}</td><td>${e.from_hash ? short(e.from_hash) : "—"} → ${e.to_hash ? short(e.to_hash) : "removed"}</td>
<td>${e.kind}</td><td>${e.actor}</td><td>${e.reason ?? ""}${e.decision_id ? html` <a href="/gate/${e.decision_id}">decision</a>` : ""}</td></tr>`,
)}</tbody></table>`;
  return page(ctx, { title: `Prompt ${name}`, path: "/prompts", body });
}

/** One version: its text, settings, and the diff from its first parent. */
export async function versionPage(
  ctx: PageContext,
  name: string,
  hash: string,
): Promise<Html | undefined> {
  const found = await ctx.store.prompts.findByPrefix(name, hash);
  const v = found.length === 1 ? found[0] : undefined;
  if (v === undefined) return undefined;
  const parent = v.parents[0] ? await ctx.store.prompts.getVersion(name, v.parents[0]) : undefined;
  const body = html`<p><a href="/prompts/${name}">← ${name}</a></p>
<div class="kv"><span class="muted">Hash</span><span>${v.hash}</span><span class="muted">Author</span><span>${v.author} (${v.author_kind})</span>
<span class="muted">Created</span><span>${when(v.created_at)}</span>${v.rationale ? html`<span class="muted">Why</span><span>${v.rationale}</span>` : ""}</div>
<h2>Text</h2><pre>${v.content}</pre>
${v.settings ? html`<h2>Settings</h2><pre>${JSON.stringify(v.settings, null, 2)}</pre>` : ""}
${parent ? html`<h2>Diff from ${short(parent.hash)}</h2><pre>${unifiedDiff(parent.content, v.content, { from: short(parent.hash), to: short(v.hash) })}</pre>` : ""}`;
  return page(ctx, { title: `${name}@${short(v.hash)}`, path: "/prompts", body });
}

/** The confirmation before a rollback: what moves where; the form carries the current target. */
export async function rollbackConfirmPage(
  ctx: PageContext,
  name: string,
  label: string,
): Promise<Html | undefined> {
  const current = (await ctx.store.prompts.listLabels(name)).find((l) => l.label === label);
  if (current === undefined) return undefined;
  const target = previousTarget(await ctx.store.prompts.labelHistory(name, label), current.hash);
  const body =
    typeof target !== "string"
      ? html`<p>${name}@${label} has no earlier target to roll back to.</p>`
      : html`<p>Move <strong>${name}@${label}</strong> from <code>${short(current.hash)}</code> back to <code>${short(target)}</code>?</p>
<form method="post" action="/prompts/${name}/rollback">${csrfField(ctx)}
<input type="hidden" name="label" value="${label}"><input type="hidden" name="expected" value="${current.hash}">
<label>Why (recorded)<input name="reason" required placeholder="complaints after the release"></label>
<p><button class="danger" type="submit">Roll back</button> <a href="/prompts/${name}">cancel</a></p></form>`;
  return page(ctx, { title: `Roll back ${name}@${label}`, path: "/prompts", body });
}
