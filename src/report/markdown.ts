import { type Attempt, DIMENSIONS, type Run } from "../core/index.js";
import { markdownCell } from "./escape.js";
import { formatCount, formatMs, formatPct, formatScore, formatUsd } from "./format.js";
import { failedScores, truncate } from "./text.js";
import type { AttemptSource, Sink } from "./types.js";

/** A PR comment must stay readable; the rest of the failures live in the HTML/JSON report. */
export const MARKDOWN_FAILURE_LIMIT = 100;
const REASON_LIMIT = 300;

interface CaseRow {
  variants: Set<string>;
  attempts: number;
  passed: number;
  errors: number;
  scoreSum: number;
}

function row(cells: string[]): string {
  return `| ${cells.join(" | ")} |\n`;
}

function divider(count: number, rightFrom = 1): string {
  return row(Array.from({ length: count }, (_, i) => (i >= rightFrom ? "---:" : "---")));
}

function summary(run: Run): string {
  const t = run.totals;
  let out = `# Ratchet report: ${markdownCell(run.suite)}\n\n`;
  out += `Run \`${run.id.replace(/`/g, "")}\` · pipeline ${markdownCell(run.pipeline)} · models ${markdownCell(run.models.join(", ") || "-")} · status ${run.status} · started ${markdownCell(run.started_at)}\n\n`;
  if (!t) return `${out}_No totals recorded for this run._\n\n`;
  // The stored verdict also counts blocking failures and run targets; older runs lack it.
  const verdict =
    run.threshold === undefined
      ? "no threshold"
      : `threshold ${formatScore(run.threshold)}: **${(t.verdict?.passed ?? t.score >= run.threshold) ? "PASS" : "FAIL"}**`;
  out += row(["Metric", "Value"]) + divider(2);
  out += row(["Score", `${formatScore(t.score)} (${verdict})`]);
  out += row([
    "Pass rate",
    `${formatPct(t.pass_rate)} (${formatCount(t.passed)} passed, ${formatCount(t.failed)} failed, ${formatCount(t.errors)} errors of ${formatCount(t.attempts)})`,
  ]);
  out += row(["Cost", formatUsd(t.cost_usd)]);
  out += row(["Tokens", `${formatCount(t.input_tokens)} in / ${formatCount(t.output_tokens)} out`]);
  out += row([
    "Latency p50 / p95",
    `${formatMs(t.latency_p50_ms)} / ${formatMs(t.latency_p95_ms)}`,
  ]);
  for (const dimension of DIMENSIONS) {
    const score = t.dimension_scores[dimension];
    if (score !== undefined) out += row([`Dimension ${dimension}`, formatScore(score)]);
  }
  return `${out}\n`;
}

function failure(attempt: Attempt): string {
  const variant = attempt.variant ? ` · ${markdownCell(attempt.variant)}` : "";
  let out = `- **${markdownCell(attempt.case_id)}** epoch ${attempt.epoch}${variant} · ${attempt.status} · score ${formatScore(attempt.overall)}\n`;
  if (attempt.error) {
    out += `  - error \`${attempt.error.class}\`: ${markdownCell(truncate(attempt.error.message, REASON_LIMIT))}\n`;
  }
  for (const score of failedScores(attempt)) {
    out += `  - ${markdownCell(score.grader)} (${score.dimension}): ${markdownCell(truncate(score.reason, REASON_LIMIT))}\n`;
  }
  return out;
}

/**
 * Summary from `run.totals`, then failures as they stream past, then a per-case table built from
 * counters kept per case (memory grows with cases, not attempts).
 */
export async function writeMarkdown(sink: Sink, run: Run, attempts: AttemptSource): Promise<void> {
  await sink.write(summary(run));
  await sink.write("## Failures\n\n");
  const cases = new Map<string, CaseRow>();
  let failures = 0;
  for await (const attempt of attempts()) {
    const entry = cases.get(attempt.case_id) ?? {
      variants: new Set<string>(),
      attempts: 0,
      passed: 0,
      errors: 0,
      scoreSum: 0,
    };
    entry.variants.add(attempt.variant);
    entry.attempts += 1;
    entry.scoreSum += attempt.overall;
    if (attempt.status === "passed") entry.passed += 1;
    if (attempt.status === "error") entry.errors += 1;
    cases.set(attempt.case_id, entry);
    if (attempt.status === "passed") continue;
    failures += 1;
    if (failures <= MARKDOWN_FAILURE_LIMIT) await sink.write(failure(attempt));
  }
  if (failures === 0) await sink.write("None.\n");
  else if (failures > MARKDOWN_FAILURE_LIMIT) {
    await sink.write(
      `\n_…and ${formatCount(failures - MARKDOWN_FAILURE_LIMIT)} more failures; see the JSON or HTML report._\n`,
    );
  }
  await sink.write("\n## Cases\n\n");
  await sink.write(row(["Case", "Passed", "Errors", "Mean score"]) + divider(4));
  for (const [caseId, entry] of cases) {
    await sink.write(
      row([
        markdownCell(caseId),
        `${entry.passed}/${entry.attempts}`,
        String(entry.errors),
        formatScore(entry.scoreSum / entry.attempts),
      ]),
    );
  }
}
