import type { Attempt, Span } from "../core/index.js";
import { parseMessages } from "../mining/index.js";
import type { Store } from "../store/index.js";
import { normalizeAgent, stepsFromSpans } from "./steps.js";
import type { Step, Trajectory } from "./types.js";

/** What a stored trace or attempt says about itself beside its steps. */
export interface LoadedTrajectory {
  trajectory: Trajectory;
  source: "trace" | "attempt";
  /** A human label imported with the trace (Who&When's `mistake_agent` / `mistake_step`). */
  label?: { agent: string; step?: number; reason?: string };
}

function questionOf(spans: readonly Span[]): string | undefined {
  const ids = new Set(spans.map((s) => s.span_id));
  const root = spans.find((s) => s.parent_span_id === undefined || !ids.has(s.parent_span_id));
  const user = parseMessages(root?.attributes["gen_ai.input.messages"]).find(
    (m) => m.role === "user",
  );
  return user?.content;
}

function labelOf(spans: readonly Span[]): LoadedTrajectory["label"] {
  for (const s of spans) {
    const agent = s.attributes["ratchet.whowhen.mistake_agent"];
    if (typeof agent !== "string") continue;
    const step = s.attributes["ratchet.whowhen.mistake_step"];
    const reason = s.attributes["ratchet.whowhen.mistake_reason"];
    return {
      agent,
      ...(typeof step === "number" ? { step } : {}),
      ...(typeof reason === "string" ? { reason } : {}),
    };
  }
  return undefined;
}

/** An attempt recorded without spans: its messages are the steps. */
function stepsFromMessages(attempt: Attempt): Step[] {
  const steps: Step[] = [];
  for (const m of attempt.messages) {
    if (m.role === "system") continue;
    const label = m.name ?? (m.role === "assistant" ? attempt.variant : m.role);
    steps.push({
      index: steps.length,
      agent: normalizeAgent(label),
      role: label,
      content: m.content,
      ...(m.tool_calls?.length
        ? {
            toolCalls: m.tool_calls.map((c) => ({
              name: c.name,
              arguments: JSON.stringify(c.arguments ?? {}),
            })),
          }
        : {}),
    });
  }
  const last = steps.at(-1);
  if (attempt.error && last) last.errors = [...(last.errors ?? []), attempt.error.message];
  return steps;
}

async function findAttempt(store: Store, id: string): Promise<Attempt | undefined> {
  // Attempts are found through their runs (the store has no lookup by attempt id); a run's
  // attempts are streamed, so this stays in constant memory.
  for (const run of await store.listRuns()) {
    for await (const attempt of store.iterateAttempts(run.id))
      if (attempt.id === id) return attempt;
  }
  return undefined;
}

/** A stored trace (by trace id) or evaluation attempt (by attempt id) as a trajectory. */
export async function loadTrajectory(
  store: Store,
  ref: string,
): Promise<LoadedTrajectory | undefined> {
  const trace = await store.traces.getTrace(ref);
  if (trace) {
    const question = questionOf(trace.spans);
    const label = labelOf(trace.spans);
    return {
      trajectory: {
        id: ref,
        ...(question !== undefined ? { question } : {}),
        steps: stepsFromSpans(trace.spans),
      },
      source: "trace",
      ...(label ? { label } : {}),
    };
  }
  const attempt = await findAttempt(store, ref);
  if (!attempt) return undefined;
  const fromSpans = stepsFromSpans(attempt.spans, { defaultAgent: attempt.variant });
  const steps = fromSpans.length > 0 ? fromSpans : stepsFromMessages(attempt);
  const question =
    questionOf(attempt.spans) ?? attempt.messages.find((m) => m.role === "user")?.content;
  return {
    trajectory: { id: ref, ...(question !== undefined ? { question } : {}), steps },
    source: "attempt",
  };
}
