import type { ShadowRow } from "../../store/index.js";
import type { ShadowDoc } from "./types.js";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const usd = (x: number) => `$${x.toFixed(4)}`;
const clip = (text: string, max = 100) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** The shadow as a person reads it: verdict first, then totals, then each input. */
export function shadowText(row: ShadowRow<ShadowDoc>, options: { inputs?: number } = {}): string {
  const doc = row.doc;
  const s = doc.summary;
  const lines: string[] = [];
  lines.push(
    `shadow ${doc.id} (${row.status}): ${doc.challenger.slice(0, doc.prompt_name.length + 13)} on ${s.replayed} production inputs — ${s.verdict.replace("_", " ")}`,
  );
  lines.push(
    `  traces: ${doc.selection.note}${doc.selection.since ? ` since ${doc.selection.since}` : ""}`,
  );
  if (doc.champion) lines.push(`  champion (recorded): ${doc.champion}`);
  lines.push(`  challenger model: ${doc.model}; pairwise judge: ${doc.judge_model} (both orders)`);
  lines.push(
    `  judge: better ${s.better}, worse ${s.worse}, tie ${s.ties} (of which order flips ${s.flips}), judge errors ${s.judge_errors}`,
  );
  if (s.win_rate !== undefined && s.win_rate_ci) {
    lines.push(
      `  win rate ${pct(s.win_rate)} (95% Wilson CI ${pct(s.win_rate_ci.lower)}–${pct(s.win_rate_ci.upper)}) over ${s.better + s.worse} decided inputs`,
    );
  } else {
    lines.push("  win rate: no decided input (every comparison a tie or an error)");
  }
  for (const g of s.graders) {
    lines.push(
      `  ${g.grader}: champion passed ${g.champion_passed}/${g.n}, challenger ${g.challenger_passed}/${g.n}`,
    );
  }
  if (s.graders.length === 0)
    lines.push("  graders: none of the suite's graders grades an answer alone");
  const left = doc.graders.filter((g) => g.startsWith("left out: "));
  if (left.length > 0) lines.push(`  graders left out: ${left.map((g) => g.slice(10)).join(", ")}`);
  const skipped = Object.entries(s.skipped).filter(([, n]) => n > 0);
  lines.push(
    `  skipped: ${skipped.length > 0 ? skipped.map(([reason, n]) => `${n} ${reason.replace("_", " ")}`).join(", ") : "none"}`,
  );
  lines.push(
    `  tools answered: ${s.tools.recorded} from recorded results, ${s.tools.mock} by mocks, ${s.tools.unanswered} with a mock error (no real tool runs)`,
  );
  lines.push(
    `  agent calls ${s.agent_calls}, judge calls ${s.judge_calls}; cost ${usd(s.agent_cost_usd)} agent + ${usd(s.judge_cost_usd)} judge; wall time ${(s.wall_ms / 1000).toFixed(1)} s`,
  );
  if (doc.problems.length > 0) {
    lines.push("  problems:");
    for (const p of doc.problems) lines.push(`    - ${p}`);
  } else {
    lines.push("  problems: none — this shadow counts as a model change's evidence for the gate");
  }
  if (doc.error) lines.push(`  error: ${doc.error}`);
  const shown = doc.inputs.slice(0, options.inputs ?? 10);
  if (shown.length > 0) {
    lines.push("", "inputs:");
    for (const input of shown) {
      const graders = input.graders
        .filter((g) => g.champion !== g.challenger)
        .map(
          (g) => `${g.grader} ${g.champion ? "pass" : "fail"}→${g.challenger ? "pass" : "fail"}`,
        );
      lines.push(
        `  ${input.outcome.padEnd(6)} ${input.trace_id}  "${clip(input.input, 60)}"${graders.length ? `  [${graders.join("; ")}]` : ""}`,
      );
    }
    if (doc.inputs.length > shown.length) {
      lines.push(`  … ${doc.inputs.length - shown.length} more (--json for all)`);
    }
  }
  for (const skip of doc.skips.slice(0, 5)) {
    lines.push(
      `  skipped ${skip.trace_id}: ${skip.reason}${skip.detail ? ` (${clip(skip.detail)})` : ""}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** One line per shadow, newest first. */
export function shadowListText(rows: ReadonlyArray<ShadowRow<ShadowDoc>>): string {
  if (rows.length === 0) return "no shadow runs yet: ratchet shadow --challenger <name@label>\n";
  return `${rows
    .map((r) => {
      const s = r.doc.summary;
      const rate = s.win_rate !== undefined ? ` win ${pct(s.win_rate)}` : "";
      return `${r.id}  ${r.created_at.slice(0, 19)}  ${r.status.padEnd(11)} ${r.prompt_name}@${r.challenger_hash.slice(0, 7)}  ${s.replayed} inputs  ${s.verdict}${rate}${r.doc.problems.length ? `  (${r.doc.problems.length} problem(s))` : ""}`;
    })
    .join("\n")}\n`;
}
