import { type Attempt, DIMENSIONS, FAILING_STATUSES, type Run } from "../core/index.js";
import { html, jsonForScript } from "./escape.js";
import { formatCount, formatMs, formatPct, formatScore, formatUsd } from "./format.js";
import { HTML_CSS, HTML_JS } from "./html-assets.js";
import { failedScores, isFailure, truncate } from "./text.js";
import type { AttemptSource, Sink } from "./types.js";

/** Outputs past this are cut in the page; the JSON report keeps them whole. */
export const HTML_OUTPUT_LIMIT = 20_000;

/** What the page needs per attempt; messages and spans stay out to keep large runs loadable. */
export interface HtmlAttempt {
  id: string;
  case_id: string;
  epoch: number;
  variant: string;
  status: Attempt["status"];
  overall: number;
  latency_ms: number;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
  retries: number;
  tags: string[];
  severity: Attempt["severity"];
  output: string;
  failed: Array<{ grader: string; dimension: string; score: number; reason: string }>;
  tool_calls: Array<{ name: string; arguments: Record<string, unknown> }>;
  error?: Attempt["error"];
}

export function htmlAttempt(a: Attempt): HtmlAttempt {
  const view: HtmlAttempt = {
    id: a.id,
    case_id: a.case_id,
    epoch: a.epoch,
    variant: a.variant,
    status: a.status,
    overall: a.overall,
    latency_ms: a.latency_ms,
    cost_usd: a.cost_usd,
    input_tokens: a.usage.input_tokens,
    output_tokens: a.usage.output_tokens,
    retries: a.retries,
    tags: a.tags,
    severity: a.severity,
    output: truncate(a.output, HTML_OUTPUT_LIMIT),
    failed: failedScores(a).map((s) => ({
      grader: s.grader,
      dimension: s.dimension,
      score: s.score,
      reason: s.reason,
    })),
    tool_calls: a.tool_calls.map((c) => ({ name: c.name, arguments: c.arguments })),
  };
  if (a.error) view.error = a.error;
  return view;
}

function card(label: string, value: string, sub = "", cls = ""): string {
  const subHtml = sub ? `<div class="sub">${sub}</div>` : "";
  return `<div class="card"><div class="label">${html(label)}</div><div class="value${cls ? ` ${cls}` : ""}">${value}</div>${subHtml}</div>`;
}

function header(run: Run): string {
  const meta = [
    `run ${run.id}`,
    `pipeline ${run.pipeline}`,
    `models ${run.models.join(", ") || "-"}`,
    `status ${run.status}`,
    `started ${run.started_at}`,
    ...(run.prompt_version ? [`prompt ${run.prompt_version}`] : []),
  ]
    .map((part) => `<span>${html(part)}</span>`)
    .join("");
  let out = `<header><h1>Ratchet report: ${html(run.suite)}</h1><div class="meta">${meta}</div>`;
  const t = run.totals;
  if (!t) return `${out}<p class="muted">No totals recorded for this run.</p></header>\n`;
  let verdict = "no threshold";
  let verdictClass = "";
  if (run.threshold !== undefined) {
    // The stored verdict also counts blocking failures and run targets; older runs lack it.
    const ok = t.verdict?.passed ?? t.score >= run.threshold;
    verdict = `threshold ${formatScore(run.threshold)}: ${ok ? "met" : "not met"}`;
    verdictClass = ok ? "pass" : "fail";
  }
  out += '<section class="cards">';
  out += card(
    "Score",
    html(formatScore(t.score)),
    `<span class="${verdictClass}">${html(verdict)}</span>`,
    verdictClass,
  );
  out += card(
    "Pass rate",
    html(formatPct(t.pass_rate)),
    html(
      `${formatCount(t.passed)} passed · ${formatCount(t.failed)} failed · ${formatCount(t.errors)} errors`,
    ),
  );
  out += card(
    "Attempts",
    html(formatCount(t.attempts)),
    html(`${run.case_count} cases × ${run.epochs} epochs`),
  );
  out += card("Cost", html(formatUsd(t.cost_usd)));
  out += card(
    "Tokens",
    html(formatCount(t.input_tokens + t.output_tokens)),
    html(`${formatCount(t.input_tokens)} in · ${formatCount(t.output_tokens)} out`),
  );
  out += card(
    "Latency p50",
    html(formatMs(t.latency_p50_ms)),
    html(`p95 ${formatMs(t.latency_p95_ms)} · p99 ${formatMs(t.latency_p99_ms)}`),
  );
  out += "</section>";
  const dims = DIMENSIONS.filter((d) => t.dimension_scores[d] !== undefined);
  if (dims.length > 0) {
    out += '<h2>Dimensions</h2><div class="dims">';
    for (const d of dims) {
      const score = t.dimension_scores[d] ?? 0;
      const pct = Math.round(Math.min(1, Math.max(0, score)) * 100);
      out += `<span>${html(d)}</span><div class="bar"><i style="width:${pct}%"></i></div><span>${html(formatScore(score))}</span>`;
    }
    out += "</div>";
  }
  return `${out}</header>\n`;
}

const FILTERS = `<h2>Attempts <span class="muted">(failures first; click a row for details)</span></h2>
<div class="filters">
<select id="f-status" aria-label="Status"><option value="">All statuses</option><option value="failed">failed</option><option value="error">error</option><option value="passed">passed</option></select>
<select id="f-tag" aria-label="Tag"><option value="">All tags</option></select>
<select id="f-variant" aria-label="Variant"><option value="">All variants</option></select>
<input id="f-text" type="search" placeholder="Search case, output, reasons…" aria-label="Search">
<span id="count"></span>
</div>
<table><thead><tr><th>Case</th><th class="num">Epoch</th><th>Variant</th><th>Status</th><th class="num">Score</th><th>Tags</th><th class="num">Latency</th><th class="num">Cost</th></tr></thead>
<tbody id="rows"></tbody></table>
<button id="more" type="button" hidden>Show more</button>
<noscript><p>Enable JavaScript to browse attempts; the data is embedded in this file as JSON.</p></noscript>
`;

const PASSED_STATUSES = ["passed"] as const;

/**
 * One self-contained page. The summary comes from `run.totals`; attempts are streamed into a
 * JSON script element in two passes (failed/error first, then passed) and rendered by inline JS.
 */
export async function writeHtml(sink: Sink, run: Run, attempts: AttemptSource): Promise<void> {
  await sink.write(
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">\n` +
      `<title>${html(`Ratchet · ${run.suite} · ${run.id}`)}</title>\n<style>${HTML_CSS}</style>\n</head>\n<body>\n`,
  );
  await sink.write(header(run));
  await sink.write(`<main>\n${FILTERS}</main>\n`);
  await sink.write('<script type="application/json" id="ratchet-attempts">[');
  let first = true;
  for (const wantFailures of [true, false]) {
    const statuses = wantFailures ? FAILING_STATUSES : PASSED_STATUSES;
    for await (const attempt of attempts({ statuses })) {
      if (isFailure(attempt) !== wantFailures) continue;
      await sink.write(`${first ? "\n" : ",\n"}${jsonForScript(htmlAttempt(attempt))}`);
      first = false;
    }
  }
  await sink.write(`\n]</script>\n<script>${HTML_JS}</script>\n</body>\n</html>\n`);
}
