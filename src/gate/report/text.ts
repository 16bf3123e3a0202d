import { shortHash } from "../registry.js";
import type { GateOutcome } from "../run.js";
import { interval, pct, pValue, signedPoints } from "./format.js";

/** The terminal summary: verdict, reasons, the per-dimension table, regressions. */
export function gateText({ decision, evidence }: GateOutcome): string {
  const { verdict } = evidence;
  const short = (ref: string) => {
    const at = ref.lastIndexOf("@");
    return `${ref.slice(0, at)}@${shortHash(ref.slice(at + 1))}`;
  };
  const lines = [
    `gate ${decision.id}: ${verdict.verdict.toUpperCase()}  (${short(decision.challenger)} vs ${short(decision.champion)}, ${decision.change_type} change)`,
    ...verdict.reasons.map((reason) => `  - ${reason}`),
  ];
  if (verdict.needed) {
    const more = [
      verdict.needed.epochs !== undefined ? `${verdict.needed.epochs} more epochs` : "",
      verdict.needed.cases !== undefined ? `${verdict.needed.cases} more cases` : "",
    ].filter(Boolean);
    lines.push(`  - to decide: ${more.join(" or ") || "more evidence"} (${verdict.needed.why})`);
  }
  if (evidence.promotion?.requested) lines.push(`  - promotion: ${evidence.promotion.why}`);
  lines.push("");
  const rows = verdict.dimensions.map((d) => [
    d.dimension,
    pct(d.champion),
    pct(d.challenger),
    signedPoints(d.delta),
    interval(d),
    pValue(d.pAdjusted),
    d.outcome,
  ]);
  const header = [
    "dimension",
    "champion",
    "challenger",
    "delta",
    "interval",
    "p (Holm)",
    "outcome",
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  lines.push(line(header), ...rows.map(line));
  if (verdict.regressions.length > 0) {
    lines.push("", `regressions (${verdict.regressions.length}):`);
    for (const r of verdict.regressions) {
      lines.push(
        `  ${r.caseId} [${r.severity}] ${pct(r.championPassRate)} → ${pct(r.challengerPassRate)} over ${r.epochs} epochs${r.flaky ? " (flaky)" : ""}`,
      );
    }
  }
  if (verdict.fixes.length > 0) lines.push(`fixed: ${verdict.fixes.length} case(s)`);
  for (const note of evidence.judgeNotes ?? []) lines.push(`judge: ${note}`);
  if (evidence.shadow)
    lines.push(
      `shadow: ${evidence.shadow} on production inputs (ratchet shadow show ${evidence.shadow})`,
    );
  for (const j of evidence.judgeNoise) {
    lines.push(
      `judge: ${j.dimension} corrected for ${j.judge}'s error rates (sensitivity ${pct(j.sensitivity)}, specificity ${pct(j.specificity)}, ${j.positives + j.negatives} human labels)`,
    );
  }
  lines.push(
    `attempts: champion ${evidence.champion.ran} run + ${evidence.champion.reused} reused, challenger ${evidence.challenger.ran} run + ${evidence.challenger.reused} reused`,
  );
  return `${lines.join("\n")}\n`;
}
