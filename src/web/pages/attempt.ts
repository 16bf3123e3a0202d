import { html } from "hono/html";
import { ms, num, statusBadge, usd, when } from "../format.js";
import type { Html } from "../layout.js";
import { page } from "../layout.js";
import type { PageContext } from "../types.js";

const json = (v: unknown) => JSON.stringify(v, null, 2);

/** One attempt: output, messages, tool calls and effects, every grader's evidence, span timeline. */
export async function attemptPage(ctx: PageContext, id: string): Promise<Html | undefined> {
  const a = ctx.store.web.attempt(id);
  if (a === undefined) return undefined;
  const start = Math.min(...a.spans.map((s) => s.start_ms));
  const end = Math.max(...a.spans.map((s) => s.end_ms));
  const span = Math.max(1, end - start);
  const body = html`<p><a href="/runs/${a.run_id}">← run ${a.run_id}</a></p>
<div class="kv"><span class="muted">Case</span><span>${a.case_id} (epoch ${a.epoch}, ${a.variant})</span>
<span class="muted">Status</span><span>${statusBadge(a.status)} · severity ${a.severity}</span>
<span class="muted">Score</span><span>${num(a.overall)}</span>
<span class="muted">Latency / cost</span><span>${ms(a.latency_ms)} · ${usd(a.cost_usd)} · ${a.usage.input_tokens} in / ${a.usage.output_tokens} out tokens</span>
<span class="muted">Finished</span><span>${when(a.finished_at)}</span>
${a.error ? html`<span class="muted">Error</span><span class="fail">${a.error.class}: ${a.error.message}</span>` : ""}</div>
<h2>Graders</h2><table><thead><tr><th>Grader</th><th>Dimension</th><th class="num">Score</th><th>Passed</th><th>Evidence</th></tr></thead><tbody>
${a.scores.map(
  (s) =>
    html`<tr><td>${s.grader}</td><td>${s.dimension}</td><td class="num">${num(s.score)}</td><td>${s.passed ? html`<span class="pass">yes</span>` : html`<span class="fail">no</span>`}</td><td>${s.reason}</td></tr>`,
)}</tbody></table>
<h2>Output</h2><pre>${a.output}</pre>
<h2>Messages</h2>${a.messages.map(
    (m) =>
      html`<h3 class="muted">${m.role}${m.name ? ` (${m.name})` : ""}</h3><pre>${m.content}${m.tool_calls?.length ? `\n${json(m.tool_calls)}` : ""}</pre>`,
  )}
<h2>Tool calls</h2>${
    a.tool_calls.length === 0
      ? html`<p class="muted">none</p>`
      : html`<table><thead><tr><th>Tool</th><th>Arguments</th><th>Result</th></tr></thead><tbody>${a.tool_calls.map(
          (call) => {
            const result = a.messages.find((m) => m.role === "tool" && m.tool_call_id === call.id);
            return html`<tr><td>${call.name}</td><td><pre>${json(call.arguments)}</pre></td><td><pre>${result?.content ?? "—"}</pre></td></tr>`;
          },
        )}</tbody></table>`
  }
${a.side_effects.length > 0 ? html`<h2>Mocked effects</h2><pre>${json(a.side_effects)}</pre>` : ""}
<h2>Spans</h2><table><thead><tr><th>Span</th><th class="num">Duration</th><th style="width:40%">Timeline</th></tr></thead><tbody>
${a.spans.map(
  (
    s,
  ) => html`<tr><td>${s.parent_span_id ? "  " : ""}${s.name}${s.status.code === "error" ? html` <span class="fail">error</span>` : ""}</td>
<td class="num">${ms(s.end_ms - s.start_ms)}</td><td><div class="timeline"><span style="left:${(((s.start_ms - start) / span) * 100).toFixed(2)}%;width:${Math.max(0.5, ((s.end_ms - s.start_ms) / span) * 100).toFixed(2)}%"></span></div></td></tr>`,
)}</tbody></table>`;
  return page(ctx, { title: `Attempt ${a.case_id}`, path: "/runs", body });
}
