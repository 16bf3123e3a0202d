/** Tables and the summary with targets, in plain text. */
import { calls } from "./accounting.js";
import type { MethodResult } from "./method.js";
import { progress, type Score } from "./score.js";

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
export const usd = (x: number) => `$${x.toFixed(4)}`;

/** One row per step (cycle or change of best prompt), cumulative columns where they help. */
export function stepTable(
  result: MethodResult,
  seeded: readonly string[],
  plain: { tokens: number; mean: number; present: readonly string[] },
  stepName: string,
): string {
  const rows: string[][] = [
    [
      stepName,
      "outcome",
      "rollouts",
      "proposer",
      "Σ calls",
      "cost",
      "tokens",
      "present",
      "fixed",
      "regr.",
      "mean",
      "detail",
    ],
    [
      "start",
      "plain prompt",
      "",
      "",
      "",
      "",
      String(plain.tokens),
      `${plain.present.length}/${seeded.length}`,
      "",
      "",
      pct(plain.mean),
      "",
    ],
  ];
  for (const { step, cumulative } of progress(result)) {
    const fixed = seeded.filter((id) => !step.present.includes(id));
    rows.push([
      String(step.index),
      step.outcome,
      String(step.spend.rollouts),
      String(step.spend.proposerCalls),
      String(calls(cumulative)),
      usd(step.spend.usd),
      String(step.promptTokens),
      `${step.present.length}/${seeded.length}`,
      `${fixed.length}/${seeded.length}`,
      step.regressions.length > 0 ? step.regressions.join(",") : "0",
      pct(step.mean),
      [step.detail ?? "", step.presentOwnEval ? `own eval shows ${step.presentOwnEval.length}` : ""]
        .filter(Boolean)
        .join("; "),
    ]);
  }
  return table(rows);
}

export function scoreRow(name: string, s: Score, seeded: readonly string[]): string[] {
  return [
    name,
    `${s.fixed.length}/${seeded.length}`,
    String(s.regressions.length),
    String(s.spend.rollouts),
    String(s.spend.proposerCalls),
    String(calls(s.spend)),
    usd(s.spend.usd),
    String(s.finalTokens),
    pct(s.finalMean),
  ];
}

export const SCORE_HEADER = [
  "method",
  "modes fixed",
  "blocking regr.",
  "rollouts",
  "proposer calls",
  "calls",
  "cost",
  "final tokens",
  "mean (measured)",
];
