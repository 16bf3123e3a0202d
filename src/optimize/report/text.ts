import { unifiedDiff } from "../../prompts/index.js";
import type { OptimizationRecord, ProposalRecord, SplitScore } from "../types.js";

const pts = (x: number | undefined) =>
  x === undefined ? "–" : `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}`;
const short = (version: string | undefined) => {
  if (!version) return "–";
  const [name, hash = ""] = version.split("@");
  return `${name}@${hash.slice(0, 10)}`;
};
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function stage(s: SplitScore | undefined): string {
  if (!s) return "–";
  const fixed = s.fixed !== undefined && s.fixed > 0 ? ` fixed ${s.fixed}` : "";
  const reg = s.regressions && s.regressions.length > 0 ? ` ↓${s.regressions.length}` : "";
  return `${(s.mean * 100).toFixed(1)} (Δ ${pts(s.delta)})${fixed}${reg}`;
}

/** The optimization at a glance: plan, targets, every proposal in one line, outcome. */
export function optimizationText(
  record: OptimizationRecord,
  proposals: readonly ProposalRecord[],
): string {
  const lines = [
    `optimization ${record.id}  ${record.status}  ${record.created_at.slice(0, 19).replace("T", " ")}`,
    `base ${short(record.base_version)}  proposer ${record.settings.proposer}${record.settings.proposer_model ? ` (${record.settings.proposer_model})` : ""}  epochs ${record.settings.epochs}  seed ${record.settings.seed}`,
    `splits: train ${record.splits.train}, validation ${record.splits.validation}, sealed ${record.splits.sealed} (never run by the optimizer)`,
    `plan: ${record.plan}`,
    "",
    "targets:",
    ...record.targets.map(
      (t) =>
        `  ${t.cluster_id}  ${clip(t.label, 40)}  ${t.status}  failing train ${t.train_failing.length}, held out ${t.validation_failing.length}${t.note ? `  — ${t.note}` : ""}`,
    ),
    "",
    "proposals:",
    "  #   proposer    verdict      change                                              target            train             validation",
    ...proposals.map((p) => {
      const change = p.patch
        ? `${p.patch.operation} "${clip(p.patch.instruction ?? p.patch.target ?? "", 44)}"`
        : p.proposer === "merge"
          ? "merge of the winners"
          : clip(p.reason, 50);
      return `  ${String(p.seq).padEnd(3)} ${p.proposer.padEnd(11)} ${p.verdict.padEnd(12)} ${clip(change, 50).padEnd(51)} ${stage(p.stages.target).padEnd(17)} ${stage(p.stages.train).padEnd(17)} ${stage(p.stages.validation)}`;
    }),
    "",
    `best: ${record.best_version ? short(record.best_version) : "none (no candidate passed every stage)"}`,
    `prompt length (tokens): ${record.prompt_tokens.map((p) => `${short(p.version)} ${p.tokens}`).join(" → ")} (limit ${record.settings.max_prompt_tokens})`,
    `spend: ${record.spend.rollouts} rollouts, ${record.spend.proposer_calls} proposer calls, $${record.spend.usd.toFixed(4)}, ${record.spend.seconds.toFixed(1)} s (kept apart from evaluation spend: runs with purpose optimization)`,
    ...(record.reason ? [`stopped: ${record.reason}`] : []),
  ];
  return lines.join("\n");
}

/** Every proposal in full: evidence, the diff, per-split scores and the verdict's reason. */
export function proposalsDetail(
  proposals: readonly ProposalRecord[],
  prompts: ReadonlyMap<string, string>,
): string {
  const out: string[] = [];
  for (const p of proposals) {
    out.push(
      `── proposal ${p.seq} (${p.proposer}) ${p.verdict}${p.cluster_id ? ` · cluster ${p.cluster_id}` : ""}`,
      `   parent ${short(p.parent_version)} → ${short(p.candidate_version)}${p.prompt_tokens !== undefined ? `  (${p.prompt_tokens} tokens)` : ""}`,
      `   evidence: ${p.evidence_cases.length} failing case(s)${p.evidence_cases.length ? `: ${p.evidence_cases.slice(0, 6).join(", ")}${p.evidence_cases.length > 6 ? ", …" : ""}` : ""}`,
    );
    if (p.patch) out.push(`   rationale: ${p.patch.rationale || "–"}`);
    if (p.raw) out.push(`   unreadable answer: ${clip(p.raw.replace(/\s+/g, " "), 160)}`);
    const before = prompts.get(p.parent_version);
    const after = p.candidate_version ? prompts.get(p.candidate_version) : undefined;
    if (before !== undefined && after !== undefined) {
      const diff = unifiedDiff(
        before,
        after,
        { from: short(p.parent_version), to: short(p.candidate_version) },
        1,
      );
      out.push(...diff.split("\n").map((l) => `   ${l}`));
    }
    out.push(
      `   target ${stage(p.stages.target)} · train ${stage(p.stages.train)}${p.stages.train?.pValue !== undefined ? ` p ${p.stages.train.pValue.toPrecision(2)}` : ""} · validation ${stage(p.stages.validation)}`,
      `   verdict: ${p.verdict} — ${p.reason}`,
      `   spend: ${p.rollouts} rollouts, $${p.cost_usd.toFixed(4)}`,
      "",
    );
  }
  return out.join("\n");
}
