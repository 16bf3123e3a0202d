import { markdownCell as cell } from "../../report/index.js";
import { shortHash } from "../registry.js";
import type { GateOutcome } from "../run.js";
import { interval, pct, pValue, signedPoints, VERDICT_MARK } from "./format.js";

/** A pull-request comment: the verdict first, then the evidence a reviewer checks. */
export function gateMarkdown({ decision, evidence }: GateOutcome): string {
  const { verdict } = evidence;
  const short = (ref: string) => {
    const at = ref.lastIndexOf("@");
    return `${ref.slice(0, at)}@${shortHash(ref.slice(at + 1))}`;
  };
  const lines: string[] = [
    `## ${VERDICT_MARK[verdict.verdict]} Ratchet gate: **${verdict.verdict}**`,
    "",
    `\`${short(decision.challenger)}\` (challenger) vs \`${short(decision.champion)}\` (champion) · ${decision.change_type} change · ${evidence.cases} cases · decision \`${decision.id}\``,
    "",
  ];
  for (const reason of verdict.reasons) lines.push(`- ${cell(reason)}`);
  if (verdict.needed) {
    const more = [
      verdict.needed.epochs !== undefined ? `${verdict.needed.epochs} more epochs` : "",
      verdict.needed.cases !== undefined ? `${verdict.needed.cases} more cases` : "",
    ].filter(Boolean);
    lines.push(
      `- To decide: ${more.join(" or ") || "more evidence"} — ${cell(verdict.needed.why)}`,
    );
  }
  if (evidence.promotion?.requested) lines.push(`- Promotion: ${cell(evidence.promotion.why)}`);
  lines.push(
    "",
    "| dimension | champion | challenger | Δ | interval | test | p (Holm) | |",
    "|---|---:|---:|---:|---|---|---:|---|",
  );
  for (const d of verdict.dimensions) {
    const mark = d.outcome === "better" ? "▲" : d.outcome === "worse" ? "▼" : "·";
    const judged = d.judgeCorrection ? ` (judge-corrected: ${cell(d.judgeCorrection.note)})` : "";
    lines.push(
      `| ${d.dimension}${judged} | ${pct(d.champion)} | ${pct(d.challenger)} | ${signedPoints(d.delta)} | ${interval(d)} | ${d.test} | ${pValue(d.pAdjusted)} | ${mark} |`,
    );
  }
  const regressions = verdict.regressions;
  if (regressions.length > 0) {
    lines.push(
      "",
      `### Regressions (${regressions.length})`,
      "",
      "| case | severity | champion pass | challenger pass | epochs | |",
      "|---|---|---:|---:|---:|---|",
    );
    for (const r of regressions) {
      lines.push(
        `| \`${cell(r.caseId)}\` | ${r.severity} | ${pct(r.championPassRate)} | ${pct(r.challengerPassRate)} | ${r.epochs} | ${r.flaky ? "flaky" : "confirmed"} |`,
      );
    }
  }
  if (verdict.fixes.length > 0) {
    const shown = verdict.fixes.slice(0, 20).map((id) => `\`${cell(id)}\``);
    const more = verdict.fixes.length > 20 ? ` and ${verdict.fixes.length - 20} more` : "";
    lines.push("", `### Fixed (${verdict.fixes.length})`, "", `${shown.join(", ")}${more}`);
  }
  lines.push(
    "",
    "<details><summary>How this was decided</summary>",
    "",
    `- Test: ${evidence.settings.test}, α = ${evidence.settings.alpha} (Holm across dimensions), minimum score ${pct(evidence.settings.minimumScore)}, regression tolerance ${signedPoints(evidence.settings.regressionTolerance)}`,
    `- Design: ${evidence.sequential ? `sequential, ${evidence.rounds.length} rounds, up to ${evidence.rounds.at(-1)?.maxEpochs ?? 0} epochs per case` : `fixed, ${evidence.rounds[0]?.maxEpochs ?? 0} epochs per case`}; seed ${evidence.settings.seed}`,
    `- Attempts: champion ${evidence.champion.ran} run + ${evidence.champion.reused} reused; challenger ${evidence.challenger.ran} run + ${evidence.challenger.reused} reused`,
    `- What changed: ${evidence.changed.join(", ") || "content"}; cases from ${evidence.plan.suites?.join(", ") ?? "all suites"}${evidence.plan.tags ? ` tagged ${evidence.plan.tags.join(", ")}` : ""}`,
    ...(evidence.confirmation
      ? [
          `- Confirmation on the ${evidence.confirmation.on} (${evidence.confirmation.cases} cases): ${evidence.confirmation.confirmed ? "confirmed" : "not confirmed"}`,
        ]
      : []),
    ...(evidence.judgeNotes ?? []).map((note) => `- ${cell(note)}`),
    ...(evidence.judgeNoise.length > 0
      ? [
          `- Judges as noisy instruments: ${evidence.judgeNoise.map((j) => `${j.dimension} by ${j.judge} (sensitivity ${pct(j.sensitivity)}, specificity ${pct(j.specificity)})`).join("; ")}`,
        ]
      : []),
    "",
    `\`ratchet gate show ${decision.id}\` prints the whole evidence.`,
    "",
    "</details>",
    "",
  );
  return lines.join("\n");
}
