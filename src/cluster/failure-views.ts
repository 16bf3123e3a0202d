/**
 * What a failure says about its problem, as the text(s) clustering embeds: the signal and the
 * evidence, never the user's words (they differ from case to case while the problem stays).
 *
 * An eval failure (`context.evidence`, written by mining's `attemptToFailure`) is described by
 * the first step that went wrong. An agent's trajectory comes before its answer, and an answer
 * given without the right tool result fails the answer's checks too: JSON, content, length,
 * the judge. Those later failures differ with each case's checks and would scatter one
 * trajectory problem over as many clusters as there are kinds of case. So when a trajectory
 * check (dimension `tool_use`) failed, the failure is its trajectory checks' evidence plus a
 * second view, the tools it called, weighted equally: the checks that notice a skipped call
 * differ between suites ("never called" in a sequence check, "not called" in a count check),
 * while "no tools were called" is what the failures share; and the same check failing after
 * no call or after the wrong call is two problems. Otherwise the failure is every failing
 * check's evidence. Other failures (production detectors) are their reason, error and failed
 * tool calls, as before.
 */
import type { Failure } from "../core/index.js";

const MAX_CHARS = 4000;
/** Calls listed in the trajectory view; a runaway loop says what it is in its first few. */
const MAX_CALLS = 20;

interface Evidence {
  grader: string;
  dimension: string;
  reason: string;
}

function evidenceOf(failure: Failure): Evidence[] | undefined {
  const value = failure.context.evidence;
  if (!Array.isArray(value)) return undefined;
  const out: Evidence[] = [];
  for (const item of value) {
    if (item === null || typeof item !== "object" || Array.isArray(item)) continue;
    const { grader, dimension, reason } = item;
    if (typeof grader !== "string" || typeof reason !== "string") continue;
    out.push({ grader, dimension: typeof dimension === "string" ? dimension : "", reason });
  }
  return out.length > 0 ? out : undefined;
}

function failedCalls(failure: Failure): string {
  return failure.tool_calls
    .filter((call) => call.error)
    .map((call) => `${call.name} ${call.error}`)
    .join(" ");
}

function join(parts: string[]): string {
  return parts.filter(Boolean).join(" \n ").slice(0, MAX_CHARS);
}

/** The tools a failure's agent called, in order: what it did, beside what the checks said. */
export function trajectoryView(failure: Failure): string {
  const names = failure.tool_calls.slice(0, MAX_CALLS).map((call) => call.name);
  return names.length === 0 ? "tools called: none" : `tools called: ${names.join(" then ")}`;
}

/** One text per view of the failure; embeddings of several views are averaged. */
export function failureViews(failure: Failure): string[] {
  const signal = failure.signal_type.replace(/_/g, " ");
  const evidence = evidenceOf(failure);
  if (!evidence) {
    return [join([signal, failure.reason, failure.error ?? "", failedCalls(failure)])];
  }
  const trajectory = evidence.filter((e) => e.dimension === "tool_use");
  const decisive = trajectory.length > 0 ? trajectory : evidence;
  const text = join([
    signal,
    decisive.map((e) => `${e.grader}: ${e.reason}`).join("; "),
    failure.error ?? "",
    failedCalls(failure),
  ]);
  return trajectory.length > 0 ? [text, trajectoryView(failure)] : [text];
}

/** The views as one text: what keyword labels are drawn from. */
export function failureText(failure: Failure): string {
  return failureViews(failure).join(" \n ");
}
