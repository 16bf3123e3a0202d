import type { TraceOutcome } from "../../store/index.js";
import { TRACE_OUTCOMES } from "../../store/index.js";
import { type Conversation, conversationToSpans } from "./conversation.js";
import { isObject, optionalString, requireObject, timeMs } from "./fields.js";
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

/**
 * Generic JSONL: `{trace_id, messages, tool_calls?, outcome?, feedback?: {score?, text?,
 * correction?}, metadata?}`, one conversation per line.
 */
export const parseGenericRecord: RecordParser = (value, ctx) => {
  const r = requireObject(value, "line");
  const traceId = optionalString(r.trace_id, "trace_id");
  if (traceId === undefined || traceId === "") throw new RecordError("`trace_id` is missing");
  const metadata = r.metadata === undefined ? {} : requireObject(r.metadata, "`metadata`");
  const feedback = r.feedback === undefined ? {} : requireObject(r.feedback, "`feedback`");
  const startMs =
    timeMs(r.timestamp ?? r.started_at ?? metadata.timestamp ?? metadata.started_at, "timestamp") ??
    ctx.nowMs;
  const conversation: Conversation = {
    traceId,
    messages: messagesOf(r.messages),
    startMs,
    format: "jsonl",
  };
  if (r.tool_calls !== undefined) {
    if (!Array.isArray(r.tool_calls)) throw new RecordError("`tool_calls` must be an array");
    conversation.toolCalls = r.tool_calls.map((c, i) => toolCallOf(c, `tool_calls[${i}]`));
  }
  const outcome = outcomeOf(r.outcome);
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
