import type { CycleRecord } from "./types.js";

const pct = (x: number | undefined) => (x === undefined ? "–" : `${(x * 100).toFixed(1)}%`);
const short = (version: string | undefined) => {
  if (!version) return "–";
  const [name, hash = ""] = version.split("@");
  return `${name}@${hash.slice(0, 10)}`;
};
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** A cycle in plain words: what was wrong, what was changed, and why it was promoted or not. */
export function cycleText(record: CycleRecord): string {
  const lines = [
    `cycle ${record.id}  ${record.status}  preset ${record.preset.name}  mode ${record.mode}  ${record.started_at.slice(0, 19).replace("T", " ")}`,
    `champion ${short(record.champion_before)} (${record.prompt_name}@${record.champion_label})${record.champion_after ? ` → ${short(record.champion_after)}` : ""}`,
  ];
  if (record.evaluation) {
    lines.push(
      `evaluated: score ${pct(record.evaluation.mean)}, pass rate ${pct(record.evaluation.pass_rate)}, ${record.evaluation.failing_cases} of ${record.evaluation.cases} cases failing`,
    );
  }
  const clusters = record.clusters ?? [];
  if (clusters.length > 0) {
    lines.push("", "what was wrong (failure clusters):");
    lines.push("  cluster                    size  track    targeted  why");
    for (const c of clusters) {
      lines.push(
        `  ${c.id.padEnd(26)} ${String(c.size).padEnd(5)} ${c.track.padEnd(8)} ${(c.targeted ? "yes" : "no").padEnd(9)} ${clip(`${c.label} — ${c.why}`, 90)}`,
      );
      if (c.ticket) lines.push(`  ${"".padEnd(26)} harness ticket: ${c.ticket}`);
    }
  }
  if (record.optimization) {
    lines.push("", "what was changed:");
    for (const f of record.optimization.fixed)
      lines.push(`  ${f.cluster} ${clip(f.label, 40)}: ${f.status}`);
    lines.push(
      `  best candidate ${short(record.optimization.best_version)} (ratchet optimize show ${record.optimization.id})`,
    );
  }
  if (record.gate) {
    lines.push(
      "",
      `gate ${record.gate.decision_id}: ${record.gate.verdict}${record.gate.promoted ? " — promoted" : ""}`,
      ...record.gate.reasons.slice(0, 4).map((r) => `  ${clip(r, 160)}`),
    );
  }
  lines.push(
    "",
    `outcome: ${record.outcome || "(in progress)"}`,
    `spend: ${record.spend.rollouts} rollouts; evaluation $${record.spend.evaluation_usd.toFixed(4)}, optimization $${record.spend.optimization_usd.toFixed(4)}, gate $${(record.spend.gate_usd ?? 0).toFixed(4)}; ${record.spend.seconds.toFixed(1)} s`,
  );
  return lines.join("\n");
}

/** One line per cycle for `cycles list`. */
export function cycleLine(record: CycleRecord): string {
  return [
    record.id,
    record.started_at.slice(0, 19).replace("T", " "),
    record.status.padEnd(8),
    record.preset.name.padEnd(11),
    record.mode.padEnd(6),
    `${pct(record.evaluation?.mean)}`.padEnd(7),
    `${(record.clusters ?? []).filter((c) => c.targeted).length} targeted`.padEnd(11),
    (record.gate?.verdict ?? "–").padEnd(12),
    record.champion_after ? `→ ${short(record.champion_after)}` : "held",
  ].join("  ");
}
