import type { TraceOutcome } from "../../store/index.js";
import { TRACE_OUTCOMES } from "../../store/index.js";
import {
  type Conversation,
  type ConversationMessage,
  conversationToSpans,
} from "./conversation.js";
import { contentText, isObject, optionalString, requireObject, timeMs } from "./fields.js";
import { derivedTraceId } from "./ids.js";
import { messagesOf, toolCallOf } from "./messages.js";
import { RecordError, type RecordParser } from "./types.js";

function outcomeOf(v: unknown): TraceOutcome | undefined {
  if (v === undefined || v === null || v === "unknown") return undefined;
  if (typeof v === "string" && (TRACE_OUTCOMES as readonly string[]).includes(v))
    return v as TraceOutcome;
  throw new RecordError(
    `\`outcome\` must be one of ${TRACE_OUTCOMES.join(", ")} (or unknown), got ${JSON.stringify(v)}`,
  );
}

/** Thumbs up/down as 1/0; numbers as they are. */
function scoreOf(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v === "up" || v === "thumbs_up" || v === "👍") return 1;
  if (v === "down" || v === "thumbs_down" || v === "👎") return 0;
  throw new RecordError(`\`feedback.score\` must be a number, got ${JSON.stringify(v)}`);
}

/** Shapes an `input` / `output` field takes in common exports, as conversation messages. */
function turnsOf(v: unknown, key: string, role: "user" | "assistant"): ConversationMessage[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return [{ role, content: v }];
  if (Array.isArray(v)) {
    // A list of messages, or of content parts / plain values.
    if (v.every((m) => isObject(m) && typeof m.role === "string")) return messagesOf(v, key);
    return [{ role, content: contentText(v) }];
  }
  if (isObject(v)) {
    if (Array.isArray(v.messages)) return messagesOf(v.messages, `${key}.messages`);
    if (typeof v.role === "string") return messagesOf([v], key);
    // `{question: "…"}`, `{output: "…"}`: one text field is the turn; anything else is JSON.
    const texts = Object.values(v).filter((x) => typeof x === "string");
    if (Object.keys(v).length === 1 && texts.length === 1)
      return [{ role, content: texts[0] as string }];
    for (const field of TEXT_FIELDS) {
      if (typeof v[field] === "string") return [{ role, content: v[field] as string }];
    }
  }
  return [{ role, content: contentText(v) }];
}

const TEXT_FIELDS = [
  "content",
  "text",
  "output",
  "answer",
  "response",
  "completion",
  "input",
  "question",
  "query",
  "prompt",
];

function errorText(v: unknown): string | undefined {
  if (v === undefined || v === null || v === false || v === "") return undefined;
  if (typeof v === "string") return v;
  if (isObject(v) && typeof v.message === "string") return v.message;
  return JSON.stringify(v);
}

/**
 * Generic JSONL, one conversation per line, in one of two shapes (docs/traces-jsonl.md):
 * `{trace_id?, messages, tool_calls?, outcome?, feedback?, metadata?}`, or a row of a common
 * export `{trace_id? | id?, input, output, error?, tools? | tool_calls?, metadata?, …}`.
 * Without an id, one is derived from the line's content, so re-ingesting adds nothing.
 */
export const parseGenericRecord: RecordParser = (value, ctx) => {
  const r = requireObject(value, "line");
  const metadata = r.metadata === undefined ? {} : requireObject(r.metadata, "`metadata`");
  const feedback = r.feedback === undefined ? {} : requireObject(r.feedback, "`feedback`");
  const rowInput = r.input ?? r.inputs;
  const rowOutput = r.output ?? r.outputs;
  let messages: ConversationMessage[];
  if (r.messages !== undefined) messages = messagesOf(r.messages);
  else if (rowInput !== undefined || rowOutput !== undefined) {
    messages = [
      ...turnsOf(rowInput, r.input !== undefined ? "input" : "inputs", "user"),
      ...turnsOf(rowOutput, r.output !== undefined ? "output" : "outputs", "assistant"),
    ];
  } else {
    throw new RecordError(
      "neither `messages` nor `input` / `output`: not a generic JSONL trace (see docs/traces-jsonl.md)",
    );
  }
  if (messages.length === 0 && !Array.isArray(r.tool_calls ?? r.tools)) {
    throw new RecordError(
      r.messages !== undefined ? "`messages` is empty" : "`input` and `output` are both empty",
    );
  }
  const traceId =
    optionalString(r.trace_id ?? r.traceId ?? r.id, r.trace_id !== undefined ? "trace_id" : "id") ||
    derivedTraceId("jsonl", JSON.stringify(value));
  const startMs =
    timeMs(
      r.timestamp ?? r.started_at ?? r.start_time ?? metadata.timestamp ?? metadata.started_at,
      "timestamp",
    ) ?? ctx.nowMs;
  const conversation: Conversation = { traceId, messages, startMs, format: "jsonl" };
  const extraCalls = r.tool_calls ?? r.tools;
  if (extraCalls !== undefined && extraCalls !== null) {
    const key = r.tool_calls !== undefined ? "tool_calls" : "tools";
    if (!Array.isArray(extraCalls)) throw new RecordError(`\`${key}\` must be an array`);
    conversation.toolCalls = extraCalls.map((c, i) => toolCallOf(c, `${key}[${i}]`));
  }
  const error = errorText(r.error);
  if (error !== undefined) conversation.error = error;
  const outcome = outcomeOf(r.outcome) ?? (error !== undefined ? "error" : undefined);
  if (outcome) conversation.outcome = outcome;
  const score = scoreOf(feedback.score);
  const text = optionalString(feedback.text ?? feedback.comment, "feedback.text");
  const correction = optionalString(feedback.correction, "feedback.correction");
  if (score !== undefined || text || correction) {
    conversation.feedback = {
      ...(score !== undefined ? { score } : {}),
      ...(text ? { text } : {}),
      ...(correction ? { correction } : {}),
    };
  }
  const agent = optionalString(r.agent ?? metadata.agent ?? metadata.agent_name, "agent");
  if (agent) conversation.agent = agent;
  const model = optionalString(r.model ?? metadata.model, "model");
  if (model) conversation.model = model;
  const provider = optionalString(metadata.provider, "metadata.provider");
  if (provider) conversation.provider = provider;
  if (isObject(r.metadata) && Object.keys(r.metadata).length) {
    conversation.rootAttributes = { "ratchet.metadata": JSON.stringify(r.metadata) };
  }
  return { spans: conversationToSpans(conversation) };
};
