import { GENAI, type Span } from "../../core/index.js";
import { TRACE_ATTRIBUTES } from "../../store/index.js";
import { derivedSpanId } from "./ids.js";

export interface ConversationToolCall {
  id?: string;
  name: string;
  arguments?: unknown;
  result?: unknown;
  error?: string;
}

export interface ConversationMessage {
  role: string;
  content: string;
  tool_calls?: ConversationToolCall[];
  tool_call_id?: string;
  name?: string;
}

export interface Conversation {
  traceId: string;
  messages: ConversationMessage[];
  /** Tool calls recorded outside the messages (generic JSONL's top-level `tool_calls`). */
  toolCalls?: ConversationToolCall[];
  outcome?: string;
  /** The agent's own error for the whole conversation (the root span's status message). */
  error?: string;
  feedback?: { score?: number; text?: string; correction?: string };
  agent?: string;
  model?: string;
  provider?: string;
  startMs: number;
  format: string;
  /** Extra attributes for the root span (source-specific ids, metadata). */
  rootAttributes?: Span["attributes"];
}

const text = (v: unknown): string =>
  v === undefined || v === null ? "" : typeof v === "string" ? v : JSON.stringify(v);

function wire(m: ConversationMessage): Record<string, unknown> {
  return {
    role: m.role,
    content: m.content,
    ...(m.tool_calls?.length
      ? {
          tool_calls: m.tool_calls.map((c) => ({
            ...(c.id ? { id: c.id } : {}),
            name: c.name,
            arguments: c.arguments ?? {},
          })),
        }
      : {}),
    ...(m.tool_call_id ? { tool_call_id: m.tool_call_id } : {}),
  };
}

/** `Error: …` / `error: …` results are failed calls (tau-bench and most tool wrappers). */
const looksLikeError = (result: string) => /^\s*(error|exception)\b/i.test(result);

/**
 * One conversation → a root `invoke_agent` span, a `chat` span per assistant turn and an
 * `execute_tool` span per tool call. Messages carry no times, so spans are laid out 1 ms
 * apart from `startMs` in message order: the order is real, the durations are not.
 * A chat span stores only the turns since the previous assistant turn (not the whole
 * history again), so a long conversation stays linear in size.
 */
export function conversationToSpans(c: Conversation): Span[] {
  const { traceId } = c;
  const rootId = derivedSpanId(traceId, "root");
  const spans: Span[] = [];
  const results = new Map<string, ConversationMessage>();
  for (const m of c.messages) {
    if (m.role === "tool" && m.tool_call_id) results.set(m.tool_call_id, m);
  }
  const unmatchedTools = c.messages.filter((m) => m.role === "tool" && !m.tool_call_id);
  let t = c.startMs;
  let pending: ConversationMessage[] = [];
  const toolSpan = (call: ConversationToolCall, key: string, start: number, result?: string) => {
    const resultText = result ?? (call.result !== undefined ? text(call.result) : undefined);
    const failed =
      call.error !== undefined || (resultText !== undefined && looksLikeError(resultText));
    const attributes: Span["attributes"] = {
      [GENAI.operation]: "execute_tool",
      [GENAI.toolName]: call.name,
      [GENAI.toolArguments]: text(call.arguments ?? {}),
    };
    if (call.id) attributes[GENAI.toolCallId] = call.id;
    if (resultText !== undefined) attributes[GENAI.toolResult] = resultText;
    if (call.error !== undefined) attributes[GENAI.errorType] = "tool_error";
    spans.push({
      trace_id: traceId,
      span_id: derivedSpanId(traceId, key),
      parent_span_id: rootId,
      name: `execute_tool ${call.name}`,
      kind: "internal",
      start_ms: start,
      end_ms: start + 1,
      attributes,
      status: failed
        ? { code: "error", message: (call.error ?? resultText ?? "").slice(0, 500) }
        : { code: "unset" },
      events: [],
    });
  };

  c.messages.forEach((m, i) => {
    t += 1;
    if (m.role !== "assistant") {
      pending.push(m);
      return;
    }
    const attributes: Span["attributes"] = {
      [GENAI.operation]: "chat",
      "gen_ai.input.messages": JSON.stringify(pending.map(wire)),
      "gen_ai.output.messages": JSON.stringify([wire(m)]),
    };
    if (c.model) attributes[GENAI.requestModel] = c.model;
    if (c.provider) attributes[GENAI.provider] = c.provider;
    spans.push({
      trace_id: traceId,
      span_id: derivedSpanId(traceId, `chat:${i}`),
      parent_span_id: rootId,
      name: c.model ? `chat ${c.model}` : "chat",
      kind: "client",
      start_ms: t,
      end_ms: t + 1,
      attributes,
      status: { code: "unset" },
      events: [],
    });
    pending = [];
    (m.tool_calls ?? []).forEach((call, j) => {
      const match = call.id ? results.get(call.id) : unmatchedTools.shift();
      toolSpan(call, `tool:${i}:${j}`, t + 1, match?.content);
    });
  });
  (c.toolCalls ?? []).forEach((call, j) => {
    t += 1;
    toolSpan(call, `extra-tool:${j}`, t);
  });

  // The root's input is everything before the last assistant turn; its output is that turn
  // and whatever followed it (a user's correction, a tool result nobody answered), so that
  // input followed by output is the whole conversation in order.
  const lastAssistant = c.messages.findLastIndex((m) => m.role === "assistant");
  const input = lastAssistant < 0 ? c.messages : c.messages.slice(0, lastAssistant);
  const output = lastAssistant < 0 ? [] : c.messages.slice(lastAssistant);
  const rootAttributes: Span["attributes"] = {
    [GENAI.operation]: "invoke_agent",
    "gen_ai.input.messages": JSON.stringify(
      input.map((m) => ({ role: m.role, content: m.content })),
    ),
    "gen_ai.output.messages": JSON.stringify(
      output.map((m) => ({ role: m.role, content: m.content })),
    ),
    [TRACE_ATTRIBUTES.sourceFormat]: c.format,
    ...(c.rootAttributes ?? {}),
  };
  if (c.agent) {
    rootAttributes[GENAI.agentName] = c.agent;
    rootAttributes[TRACE_ATTRIBUTES.agentName] = c.agent;
  }
  if (c.model) rootAttributes[GENAI.requestModel] = c.model;
  if (c.outcome) rootAttributes[TRACE_ATTRIBUTES.outcome] = c.outcome;
  const f = c.feedback;
  if (f?.score !== undefined) rootAttributes[TRACE_ATTRIBUTES.feedbackScore] = f.score;
  if (f?.text) rootAttributes[TRACE_ATTRIBUTES.feedbackText] = f.text;
  if (f?.correction) rootAttributes[TRACE_ATTRIBUTES.feedbackCorrection] = f.correction;
  spans.unshift({
    trace_id: traceId,
    span_id: rootId,
    name: c.agent ? `invoke_agent ${c.agent}` : "invoke_agent",
    kind: "internal",
    start_ms: c.startMs,
    end_ms: t + 2,
    attributes: rootAttributes,
    status:
      c.outcome === "error" || c.error !== undefined
        ? { code: "error", ...(c.error ? { message: c.error.slice(0, 500) } : {}) }
        : { code: "unset" },
    events: [],
  });
  return spans;
}
