import { type FailureToolCall, GENAI, type JsonValue, type Span } from "../core/index.js";
import { DIALECTS } from "../traces/index.js";
import type { TraceError, TraceMessage, TraceView } from "./types.js";

/** Attribute names the production contract puts on a trace's root span. */
export const TRACE_ATTRS = {
  outcome: "ratchet.trace.outcome",
  feedbackScore: "ratchet.feedback.score",
  feedbackText: "ratchet.feedback.text",
  correction: "ratchet.feedback.correction",
  agentName: "ratchet.agent.name",
  sourceFormat: "ratchet.source.format",
  inputMessages: "gen_ai.input.messages",
  outputMessages: "gen_ai.output.messages",
} as const;

const MAX_FIELD = 4000;

function clip(text: string, max = MAX_FIELD): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (content === null || content === undefined) return "";
  if (Array.isArray(content)) {
    // Newer GenAI conventions: [{type: "text", content: "…"}] parts.
    return content
      .map((part) => {
        if (typeof part === "string") return part;
        if (part && typeof part === "object") {
          const p = part as Record<string, unknown>;
          if (typeof p.content === "string") return p.content;
          if (typeof p.text === "string") return p.text;
        }
        return "";
      })
      .filter((t) => t !== "")
      .join("\n");
  }
  return JSON.stringify(content);
}

/** A gen_ai.*.messages attribute: a JSON string (or already an array) of {role, content|parts}. */
export function parseMessages(value: unknown): TraceMessage[] {
  let list: unknown = value;
  if (typeof value === "string") {
    try {
      list = JSON.parse(value);
    } catch {
      return [];
    }
  }
  if (!Array.isArray(list)) return [];
  const out: TraceMessage[] = [];
  for (const item of list) {
    if (!item || typeof item !== "object") continue;
    const m = item as Record<string, unknown>;
    const role = typeof m.role === "string" ? m.role : "unknown";
    out.push({ role, content: textOf(m.content ?? m.parts) });
  }
  return out;
}

function stringAttr(span: Span | undefined, name: string): string | undefined {
  const v = span?.attributes[name];
  if (v === undefined) return undefined;
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** A tool result that reports failure: `Error: …`, `{"error": …}`, `{"success": false}`. */
export function resultLooksLikeError(result: string | undefined): boolean {
  if (result === undefined) return false;
  const text = result.trim();
  if (/^"?(error|exception)\b/i.test(text)) return true;
  if (!text.startsWith("{")) return false;
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return (
      (parsed.error !== undefined && parsed.error !== null && parsed.error !== false) ||
      parsed.success === false ||
      parsed.ok === false
    );
  } catch {
    return false;
  }
}

function exceptionMessage(span: Span): string | undefined {
  for (const event of span.events) {
    if (event.name !== "exception") continue;
    const a = event.attributes ?? {};
    const message = a["exception.message"] ?? a["exception.type"] ?? "exception";
    return String(message);
  }
  return undefined;
}

export function spanException(span: Span): string | undefined {
  return exceptionMessage(span);
}

/**
 * The span's attributes with the conversation in `gen_ai.input/output.messages`. Ingest maps
 * dialects (legacy `gen_ai.prompt` / `gen_ai.completion`, OpenInference) before storing, but
 * spans stored before a dialect learnt a form, or written by other tools, still carry theirs:
 * those are mapped here, on a copy, so that `failures show` is never left without the text.
 */
function conversationAttributes(span: Span): Span["attributes"] {
  const a = span.attributes;
  if (a[TRACE_ATTRS.inputMessages] !== undefined || a[TRACE_ATTRS.outputMessages] !== undefined)
    return a;
  const dialects = DIALECTS.filter((d) => d.detect(a));
  if (dialects.length === 0) return a;
  const copy: Span = { ...span, attributes: { ...a }, status: { ...span.status } };
  for (const d of dialects) d.apply(copy, span.parent_span_id === undefined);
  return copy.attributes;
}

/** Builds the view detectors read. Spans arrive in start order. */
export function buildTraceView(traceId: string, spans: Span[]): TraceView {
  const ids = new Set(spans.map((s) => s.span_id));
  const root =
    spans.find((s) => s.parent_span_id === undefined) ??
    spans.find((s) => s.parent_span_id !== undefined && !ids.has(s.parent_span_id)) ??
    spans[0];
  let start = Number.POSITIVE_INFINITY;
  let end = 0;
  for (const s of spans) {
    start = Math.min(start, s.start_ms);
    end = Math.max(end, s.end_ms, s.start_ms);
  }

  // The longest conversation seen on any span: chat spans each carry the history so far.
  let messages: TraceMessage[] = [];
  for (const span of spans) {
    const attributes = conversationAttributes(span);
    const input = attributes[TRACE_ATTRS.inputMessages];
    const output = attributes[TRACE_ATTRS.outputMessages];
    if (input === undefined && output === undefined) continue;
    const conv = [...parseMessages(input), ...parseMessages(output)];
    if (conv.length >= messages.length) messages = conv;
  }
  const spoken = messages.filter((m) => m.content.trim() !== "");
  const input = spoken.find((m) => m.role === "user")?.content ?? "";
  const output = [...spoken].reverse().find((m) => m.role === "assistant")?.content ?? "";

  const toolCalls: FailureToolCall[] = [];
  const errors: TraceError[] = [];
  for (const span of spans) {
    const isTool = span.attributes[GENAI.operation] === "execute_tool";
    const tool = isTool ? (stringAttr(span, GENAI.toolName) ?? span.name) : undefined;
    if (isTool && tool !== undefined) {
      const args = stringAttr(span, GENAI.toolArguments);
      const result = stringAttr(span, GENAI.toolResult);
      let error: string | undefined;
      if (span.status.code === "error") error = span.status.message ?? "error";
      else if (resultLooksLikeError(result)) error = result;
      toolCalls.push({
        name: tool,
        ...(args !== undefined ? { arguments: clip(args, 1000) } : {}),
        ...(result !== undefined ? { result: clip(result, 1000) } : {}),
        ...(error !== undefined ? { error: clip(error, 1000) } : {}),
      });
      if (error !== undefined) errors.push({ span: span.name, tool, message: clip(error, 1000) });
      continue;
    }
    if (span.status.code === "error") {
      errors.push({
        span: span.name,
        message: clip(
          span.status.message ?? stringAttr(span, GENAI.errorType) ?? "error status",
          1000,
        ),
      });
      continue;
    }
    const exception = exceptionMessage(span);
    if (exception !== undefined) errors.push({ span: span.name, message: clip(exception, 1000) });
  }

  const context: Record<string, JsonValue> = { spans: spans.length };
  const rootAttrs = root?.attributes ?? {};
  for (const [key, name] of [
    ["outcome", TRACE_ATTRS.outcome],
    ["feedback_score", TRACE_ATTRS.feedbackScore],
    ["feedback_text", TRACE_ATTRS.feedbackText],
    ["correction", TRACE_ATTRS.correction],
    ["source_format", TRACE_ATTRS.sourceFormat],
  ] as const) {
    const v = rootAttrs[name];
    if (v !== undefined) context[key] = v as JsonValue;
  }
  const models = new Set<string>();
  for (const s of spans) {
    const m = s.attributes[GENAI.requestModel] ?? s.attributes[GENAI.responseModel];
    if (typeof m === "string") models.add(m);
  }
  if (models.size) context.models = [...models];
  context.messages = spoken.length;
  context.tools = toolCalls.length;

  const agent =
    stringAttr(root, TRACE_ATTRS.agentName) ??
    stringAttr(root, GENAI.agentName) ??
    spans.map((s) => stringAttr(s, GENAI.agentName)).find((a) => a !== undefined);

  return {
    trace_id: traceId,
    spans,
    root,
    start_ms: Number.isFinite(start) ? start : 0,
    end_ms: end,
    ...(agent !== undefined ? { agent } : {}),
    messages: spoken,
    input: clip(input),
    output: clip(output),
    tool_calls: toolCalls,
    errors,
    context,
  };
}

/** The trace as plain text: what a judge reads and what `failures show` prints. */
export function traceText(view: TraceView, maxChars = 12_000): string {
  const lines: string[] = [];
  for (const m of view.messages) lines.push(`${m.role}: ${m.content}`);
  for (const t of view.tool_calls) {
    lines.push(
      `tool ${t.name}(${t.arguments ?? ""}) -> ${t.error ? `ERROR ${t.error}` : (t.result ?? "")}`,
    );
  }
  for (const e of view.errors.filter((e) => e.tool === undefined)) {
    lines.push(`error in ${e.span}: ${e.message}`);
  }
  return clip(lines.join("\n"), maxChars);
}
