import type { Failure } from "../core/index.js";
import type { EvalDraftRecord } from "./types.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Production text reaches a terminal: control characters (ESC…) are shown as U+FFFD. */
export function printable(text: string): string {
  return text.replace(CONTROL, "\ufffd");
}

export function one(text: string, max = 80): string {
  const flat = printable(text.replace(/\s+/g, " ").trim());
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function confirmSummary(d: EvalDraftRecord): string {
  const c = d.confirm;
  if (!c) return "not run";
  const verdict = c.confirmed ? "confirmed" : "not confirmed";
  return `${verdict} by ${c.decided_by === "judge" ? "its judge" : "its checks"}: the champion failed ${c.failed_epochs} of ${c.epochs} epochs${c.error_epochs ? ` (${c.error_epochs} errored)` : ""} (run ${c.run_id}${c.prompt ? `, ${c.prompt}` : ""})`;
}

/** A draft as `evals show` and the review queue print it: the case, its fixture, its checks. */
export function draftLines(d: EvalDraftRecord): string[] {
  const f = d.fixture;
  const lines = [
    `${d.id}  ${d.status}${d.reason ? ` — ${one(d.reason, 160)}` : ""}`,
    `case        ${d.case.id}  (${d.case.severity}, owner ${d.case.owner ?? "set at approval"}, expires ${d.case.expires_at.slice(0, 10)})`,
    `from        ${d.cluster_id ? `cluster ${d.cluster_id}, ` : ""}failures ${d.failure_ids.join(", ")}`,
    `drafted by  ${f.drafted_by}${f.boundary ? `, ${f.boundary} half of a policy-boundary pair` : ""}`,
    `confirm     ${confirmSummary(d)}`,
    `input       ${one(d.case.input, 300)}`,
    `expected    ${one(f.expected_behaviour, 300)}`,
    `failure     ${one(f.failure_mode, 300)}`,
    `tools       expected: ${f.expected_tools.join(", ") || "—"}; forbidden: ${f.forbidden_tools.join(", ") || "—"}`,
    `gate        ${f.release_gate.length ? `blocks ${f.release_gate.join(", ")} changes` : "does not block releases"}`,
    "checks",
    ...d.case.assertions.map((a) => {
      const { type, ...params } = a;
      return `  ${type} ${one(JSON.stringify(params), 120)}`;
    }),
  ];
  if (d.reviewer)
    lines.push(
      `reviewed    by ${d.reviewer} at ${d.reviewed_at}${d.target_suite ? ` into ${d.target_suite}` : ""}`,
    );
  for (const c of f.conflicts ?? []) lines.push(`CONFLICT    ${one(c, 200)}`);
  for (const n of f.notes) lines.push(`note        ${one(n, 200)}`);
  for (const e of d.confirm?.evidence.slice(0, 3) ?? []) lines.push(`  failed    ${one(e, 200)}`);
  return lines;
}

/** The failures a draft came from, short: what the reviewer weighs the draft against. */
export function failureLines(failures: readonly Failure[]): string[] {
  const out: string[] = [];
  for (const f of failures) {
    out.push(`${f.id}  ${f.signal_type} (${f.detector}), ${f.severity}, seen ${f.count}×`);
    out.push(`  reason  ${one(f.error ?? f.reason, 160)}`);
    out.push(`  input   ${one(f.input, 160)}`);
    out.push(`  output  ${one(f.output, 160)}`);
    for (const t of f.tool_calls.slice(0, 4)) {
      out.push(
        `  tool    ${t.name}(${one(t.arguments ?? "", 60)})${t.error ? ` ERROR ${one(t.error, 60)}` : ""}`,
      );
    }
  }
  return out;
}
