import { type Attempt, DIMENSIONS, type ErrorClass, type Run } from "../core/index.js";
import { formatCount, formatMs, formatPct, formatScore, formatUsd } from "./format.js";
import { renderTable, visibleWidth } from "./table.js";
import { failedScores, oneLine, terminalSafe, truncate } from "./text.js";

export interface SummaryOptions {
  color?: boolean;
  /** Terminal columns; default 100. */
  width?: number;
  /**
   * Errors per class. RunTotals only keeps the error count, so the caller passes the split when
   * it has it (see `countErrorClasses`).
   */
  errorClasses?: Partial<Record<ErrorClass, number>>;
}

function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? "" : "s"}`;
}

function clipLine(line: string, width: number): string {
  return visibleWidth(line) <= width
    ? line
    : `${Array.from(line)
        .slice(0, width - 1)
        .join("")}…`;
}

const paint = (on: boolean | undefined, code: string, text: string) =>
  on ? `\u001b[${code}m${text}\u001b[0m` : text;

function bar(score: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, score)) * width);
  return "█".repeat(filled) + "░".repeat(width - filled);
}

/** Per-class error counts, for `SummaryOptions.errorClasses`. Keeps only counters. */
export async function countErrorClasses(
  attempts: AsyncIterable<Attempt>,
): Promise<Partial<Record<ErrorClass, number>>> {
  const counts: Partial<Record<ErrorClass, number>> = {};
  for await (const attempt of attempts) {
    if (attempt.error) counts[attempt.error.class] = (counts[attempt.error.class] ?? 0) + 1;
  }
  return counts;
}

/** Per model, where its price came from: `sim:support: builtin table ($0.15 in / $0.6 out per 1M)`. */
export function pricingLines(run: Run): string[] {
  return Object.entries(run.totals?.pricing ?? {}).map(([name, p]) => {
    const model = terminalSafe(name);
    if (p.source === "none") return `${model}: none (not counted; give cost.token_pricing)`;
    const price =
      p.input_per_million !== undefined && p.output_per_million !== undefined
        ? ` ($${p.input_per_million} in / $${p.output_per_million} out per 1M tokens)`
        : "";
    return `${model}: ${p.source}${price}`;
  });
}

/** The terminal summary printed after `ratchet eval`. */
export function renderSummaryTable(run: Run, options: SummaryOptions = {}): string {
  const width = options.width ?? 100;
  const color = options.color;
  const header = clipLine(
    terminalSafe(
      `Run ${run.id} · suite ${run.suite} · ${run.models.join(", ") || "no model"} · ${run.status}`,
    ),
    width,
  );
  const t = run.totals;
  if (!t) return `${header}\nNo totals recorded for this run.`;

  let verdict = "no threshold";
  if (run.threshold !== undefined) {
    // The stored verdict also counts blocking failures and run targets; older runs lack it.
    const ok = t.verdict?.passed ?? t.score >= run.threshold;
    verdict = `threshold ${formatScore(run.threshold)}  ${paint(color, ok ? "32;1" : "31;1", ok ? "PASS" : "FAIL")}`;
  }
  const rows: string[][] = [
    ["Score", formatScore(t.score), verdict],
    [
      "Pass rate",
      formatPct(t.pass_rate),
      `${formatCount(t.passed)} passed, ${formatCount(t.failed)} failed, ${plural(t.errors, "error")}`,
    ],
    ["Attempts", formatCount(t.attempts), `${run.case_count} cases × ${run.epochs} epochs`],
  ];
  // Compared models are judged apart; the run passes only if each does.
  for (const [name, v] of Object.entries(t.variants ?? {})) {
    const ok = v.verdict?.passed ?? false;
    const blocking = v.verdict?.blocking_failures.length ?? 0;
    rows.push([
      `  ${terminalSafe(name)}`,
      formatScore(v.score),
      `pass rate ${formatPct(v.pass_rate)} · ${plural(blocking, "blocking failure")} · ${paint(color, ok ? "32;1" : "31;1", ok ? "PASS" : "FAIL")}`,
    ]);
  }
  const classes = Object.entries(options.errorClasses ?? {}).filter(([, n]) => (n ?? 0) > 0);
  if (classes.length > 0) {
    rows.push([
      "Errors",
      formatCount(t.errors),
      paint(color, "31", classes.map(([name, n]) => `${name} ${n}`).join(", ")),
    ]);
  }
  rows.push(["Cost", formatUsd(t.cost_usd), ""]);
  for (const line of pricingLines(run)) rows.push(["  price", "", terminalSafe(line)]);
  rows.push(
    [
      "Tokens",
      formatCount(t.input_tokens + t.output_tokens),
      `${formatCount(t.input_tokens)} in / ${formatCount(t.output_tokens)} out`,
    ],
    [
      "Latency p50",
      formatMs(t.latency_p50_ms),
      `p95 ${formatMs(t.latency_p95_ms)} · p99 ${formatMs(t.latency_p99_ms)}`,
    ],
  );
  const barWidth = Math.max(5, Math.min(20, width - 40));
  for (const dimension of DIMENSIONS) {
    const score = t.dimension_scores[dimension];
    if (score !== undefined)
      rows.push([`  ${dimension}`, formatScore(score), bar(score, barWidth)]);
  }
  for (const target of t.targets ?? []) {
    rows.push([
      `  ${target.key.replace(/^evaluation\./, "")}`,
      target.actual === null ? "-" : String(Number(target.actual.toPrecision(4))),
      paint(
        color,
        target.passed ? "32" : "31",
        target.passed ? `≤ ${target.limit}` : target.reason,
      ),
    ]);
  }
  const table = renderTable(["", "Value", "Detail"], rows, {
    align: ["left", "right", "left"],
    maxWidth: width,
    color,
  });
  const reasons = t.verdict && !t.verdict.passed ? t.verdict.reasons : [];
  const why = reasons.map((reason) => clipLine(terminalSafe(`✗ ${reason}`), width)).join("\n");
  return why ? `${header}\n${table}\n${why}` : `${header}\n${table}`;
}

/** The first `limit` failed or errored attempts with their reasons; stops reading once it knows there are more. */
export async function renderFailures(
  attempts: AsyncIterable<Attempt>,
  limit: number,
): Promise<string> {
  const blocks: string[] = [];
  let more = false;
  for await (const attempt of attempts) {
    if (attempt.status === "passed") continue;
    if (blocks.length >= limit) {
      more = true;
      break;
    }
    const safe = (text: string, max = 200) => terminalSafe(truncate(oneLine(text), max));
    const variant = attempt.variant ? ` [${safe(attempt.variant)}]` : "";
    const lines = [
      `✗ ${safe(attempt.case_id)} #${attempt.epoch}${variant}  ${attempt.status}  score ${formatScore(attempt.overall)}`,
    ];
    if (attempt.error)
      lines.push(`    error ${attempt.error.class}: ${safe(attempt.error.message)}`);
    for (const score of failedScores(attempt)) {
      lines.push(`    ${safe(score.grader)} (${score.dimension}): ${safe(score.reason)}`);
    }
    blocks.push(lines.join("\n"));
  }
  if (blocks.length === 0) return "No failures.";
  const tail = more ? `\n… more failures not shown (limit ${limit}).` : "";
  return `${blocks.join("\n")}${tail}`;
}
