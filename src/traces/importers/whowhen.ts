import type { Span } from "../../core/index.js";
import { GENAI } from "../../core/index.js";
import { isObject, requireObject } from "./fields.js";
import { derivedSpanId, derivedTraceId } from "./ids.js";
import { RecordError, type RecordParser } from "./types.js";

/** One message of a Who&When log. */
export interface WhoWhenMessage {
  step: number;
  role: string;
  name?: string;
  content: string;
}

/** A Who&When row (`history` of `{role, name?, content}`, plus the human labels if given). */
export interface WhoWhenRow {
  id?: string;
  subset?: string;
  question?: string;
  groundTruth?: string;
  isCorrect?: boolean;
  mistakeAgent?: string;
  mistakeStep?: number;
  mistakeReason?: string;
  history: WhoWhenMessage[];
}

const optionalText = (v: unknown): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;

/**
 * Reads one row. The speaker is `name` when present (Algorithm-Generated runs, where `role`
 * is only user/assistant) and `role` otherwise (Hand-Crafted runs name the agent there).
 */
export function parseWhoWhenRow(value: unknown): WhoWhenRow {
  const r = requireObject(value, "line");
  if (!Array.isArray(r.history)) throw new RecordError("`history` must be an array of messages");
  if (r.history.length === 0) throw new RecordError("`history` is empty");
  const history = r.history.map((m, i): WhoWhenMessage => {
    if (!isObject(m)) throw new RecordError(`history[${i}] must be an object`);
    if (typeof m.role !== "string" || m.role.trim() === "")
      throw new RecordError(`history[${i}].role must be a non-empty string`);
    if (m.name !== undefined && m.name !== null && typeof m.name !== "string")
      throw new RecordError(`history[${i}].name must be a string`);
    const content =
      typeof m.content === "string"
        ? m.content
        : m.content == null
          ? ""
          : JSON.stringify(m.content);
    return {
      step: i,
      role: m.role,
      ...(typeof m.name === "string" && m.name.trim() !== "" ? { name: m.name } : {}),
      content,
    };
  });
  const mistakeStep = r.mistake_step;
  return {
    ...(optionalText(r.id) !== undefined ? { id: optionalText(r.id) as string } : {}),
    ...(optionalText(r.subset) !== undefined ? { subset: optionalText(r.subset) as string } : {}),
    ...(optionalText(r.question) !== undefined
      ? { question: optionalText(r.question) as string }
      : {}),
    ...(optionalText(r.ground_truth) !== undefined
      ? { groundTruth: optionalText(r.ground_truth) as string }
      : {}),
    ...(typeof r.is_correct === "boolean" ? { isCorrect: r.is_correct } : {}),
    ...(optionalText(r.mistake_agent) !== undefined
      ? { mistakeAgent: optionalText(r.mistake_agent) as string }
      : {}),
    ...(typeof mistakeStep === "number" && Number.isInteger(mistakeStep)
      ? { mistakeStep }
      : typeof mistakeStep === "string" && /^\d+$/.test(mistakeStep)
        ? { mistakeStep: Number(mistakeStep) }
        : {}),
    ...(optionalText(r.mistake_reason) !== undefined
      ? { mistakeReason: optionalText(r.mistake_reason) as string }
      : {}),
    history,
  };
}

/** The speaker label of a message: `name` when given, else `role`. */
export function whoWhenSpeaker(m: WhoWhenMessage): string {
  return m.name ?? m.role;
}

/** `Orchestrator (-> WebSurfer)` and `Orchestrator (thought)` are the Orchestrator speaking. */
function agentOfLabel(label: string): string {
  const stripped = label.replace(/\s*\([^()]*\)\s*$/, "").trim();
  return stripped === "" ? label.trim() : stripped;
}

/**
 * A Who&When row as a trace: a root span (the task, the outcome, the human labels as
 * `ratchet.whowhen.*`) and one `chat` span per step with its agent as `gen_ai.agent.name`,
 * its index as `ratchet.step.index` and its text as the output message. Steps are 1 ms apart:
 * the order is real, the times are not.
 */
export const parseWhoWhenRecord: RecordParser = (value, ctx) => {
  const row = parseWhoWhenRow(value);
  const traceId = row.id
    ? derivedTraceId("whowhen", row.id)
    : derivedTraceId("whowhen", ctx.sourceName, JSON.stringify(value));
  const rootId = derivedSpanId(traceId, "root");
  const start = ctx.nowMs;
  const rootAttributes: Span["attributes"] = {
    [GENAI.operation]: "invoke_agent",
    "ratchet.source.format": "whowhen",
    // The system as a whole; each step span names its own agent.
    "ratchet.agent.name": row.subset ? `whowhen ${row.subset}` : "whowhen",
  };
  if (row.isCorrect === false) rootAttributes["ratchet.trace.outcome"] = "failure";
  else if (row.isCorrect === true) rootAttributes["ratchet.trace.outcome"] = "success";
  if (row.question !== undefined)
    rootAttributes["gen_ai.input.messages"] = JSON.stringify([
      { role: "user", content: row.question },
    ]);
  const labels: Array<[string, string | number | undefined]> = [
    ["ratchet.whowhen.id", row.id],
    ["ratchet.whowhen.subset", row.subset],
    ["ratchet.whowhen.ground_truth", row.groundTruth],
    ["ratchet.whowhen.mistake_agent", row.mistakeAgent],
    ["ratchet.whowhen.mistake_step", row.mistakeStep],
    ["ratchet.whowhen.mistake_reason", row.mistakeReason],
  ];
  for (const [key, v] of labels) if (v !== undefined) rootAttributes[key] = v;
  const spans: Span[] = [
    {
      trace_id: traceId,
      span_id: rootId,
      name: row.id ? `whowhen ${row.id}` : "whowhen run",
      kind: "internal",
      start_ms: start,
      end_ms: start + row.history.length + 1,
      attributes: rootAttributes,
      status: { code: "unset" },
      events: [],
    },
  ];
  for (const m of row.history) {
    const label = whoWhenSpeaker(m);
    const t = start + m.step + 1;
    spans.push({
      trace_id: traceId,
      span_id: derivedSpanId(traceId, `step:${m.step}`),
      parent_span_id: rootId,
      name: `step ${m.step} ${label}`,
      kind: "internal",
      start_ms: t,
      end_ms: t + 1,
      attributes: {
        [GENAI.operation]: "chat",
        [GENAI.agentName]: agentOfLabel(label),
        "ratchet.step.index": m.step,
        "ratchet.step.role": label,
        "gen_ai.output.messages": JSON.stringify([
          {
            role: m.role === "human" || m.role === "user" ? "user" : "assistant",
            content: m.content,
          },
        ]),
      },
      status: { code: "unset" },
      events: [],
    });
  }
  return { spans };
};
