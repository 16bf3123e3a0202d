import { GENAI, type Message, type Role, type Span, type ToolCall } from "../../core/index.js";
import { TRACE_ATTRIBUTES } from "../../store/index.js";
import { type ConversationResult, linkToolCalls } from "./conversation.js";

const ROLES: ReadonlySet<string> = new Set<Role>(["system", "user", "assistant", "tool"]);

type Parsed = { ok: true; messages: Message[] } | { ok: false; reason: string };

/**
 * A production trace's conversation with its tool calls in place. Chat spans either carry the
 * whole history so far (the AI SDK, OpenInference) or only the turns since the previous one
 * (Ratchet's importers): each span's turns extend the conversation when they start with it,
 * and are appended otherwise. A tool call whose result is not among the messages takes it from
 * its `execute_tool` span (by call id, else the next span of that tool).
 */
export function traceMessages(spans: readonly Span[]): ConversationResult {
  const chats = spans.filter((span) => {
    const operation = span.attributes[GENAI.operation];
    return (
      operation !== "invoke_agent" &&
      operation !== "execute_tool" &&
      (span.attributes[TRACE_ATTRIBUTES.inputMessages] !== undefined ||
        span.attributes[TRACE_ATTRIBUTES.outputMessages] !== undefined)
    );
  });
  const sources = chats.length > 0 ? chats : spans.filter((s) => s.parent_span_id === undefined);
  let conversation: Message[] = [];
  for (const span of sources) {
    const input = parseWire(span.attributes[TRACE_ATTRIBUTES.inputMessages]);
    if (!input.ok) return input;
    const output = parseWire(span.attributes[TRACE_ATTRIBUTES.outputMessages]);
    if (!output.ok) return output;
    const turns = [...input.messages, ...output.messages];
    if (startsWith(turns, conversation)) conversation = turns;
    else if (!startsWith(conversation, turns)) conversation = [...conversation, ...turns];
  }
  if (conversation.length === 0) return { ok: false, reason: "trace has no conversation" };
  return linkToolCalls(withToolResults(conversation, spans));
}

function sameTurn(a: Message, b: Message): boolean {
  if (a.role !== b.role || a.content.trim() !== b.content.trim()) return false;
  const names = (m: Message) => (m.tool_calls ?? []).map((c) => c.name).join("\u0000");
  return names(a) === names(b);
}

function startsWith(list: readonly Message[], prefix: readonly Message[]): boolean {
  if (prefix.length > list.length) return false;
  return prefix.every((m, i) => sameTurn(m, list[i] as Message));
}

/** Tool results recorded only on `execute_tool` spans, placed after the call's turn. */
function withToolResults(conversation: readonly Message[], spans: readonly Span[]): Message[] {
  const tools = spans.filter((s) => s.attributes[GENAI.operation] === "execute_tool");
  const used = new Set<Span>();
  const resultSpan = (call: ToolCall): Span | undefined => {
    const byId =
      call.id !== ""
        ? tools.find((s) => !used.has(s) && s.attributes[GENAI.toolCallId] === call.id)
        : undefined;
    return byId ?? tools.find((s) => !used.has(s) && s.attributes[GENAI.toolName] === call.name);
  };
  const out: Message[] = [];
  conversation.forEach((message, index) => {
    out.push(message);
    if (message.role !== "assistant" || !message.tool_calls?.length) return;
    const answered = new Set<string>();
    for (let j = index + 1; j < conversation.length; j++) {
      const next = conversation[j] as Message;
      if (next.role !== "tool") break;
      if (next.tool_call_id !== undefined) answered.add(next.tool_call_id);
      else answered.add(`#${answered.size}`);
    }
    message.tool_calls.forEach((call, k) => {
      if (answered.has(call.id) || answered.has(`#${k}`)) return;
      const span = resultSpan(call);
      if (span === undefined) return;
      used.add(span);
      const result = span.attributes[GENAI.toolResult] ?? span.status.message ?? "";
      out.push({
        role: "tool",
        content: typeof result === "string" ? result : JSON.stringify(result),
        tool_call_id: call.id,
        name: call.name,
      });
    });
  });
  return out;
}

const asText = (v: unknown): string =>
  v === undefined || v === null ? "" : typeof v === "string" ? v : JSON.stringify(v);

function parseArguments(value: unknown): Record<string, unknown> | undefined {
  let parsed = value;
  if (typeof value === "string") {
    if (value.trim() === "") return {};
    try {
      parsed = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (parsed === undefined || parsed === null) return {};
  return typeof parsed === "object" && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : undefined;
}

function toolCallOf(raw: Record<string, unknown>): ToolCall | undefined {
  const fn = (raw.function ?? raw) as Record<string, unknown>;
  const name = asText(fn.name);
  const args = parseArguments(fn.arguments ?? raw.arguments);
  if (name === "" || args === undefined) return undefined;
  return { id: typeof raw.id === "string" ? raw.id : "", name, arguments: args };
}

/**
 * A `gen_ai.*.messages` value: the wire shape Ratchet's dialects write
 * (`{role, content, tool_calls?, tool_call_id?}`) or the conventions' parts
 * (`text`, `tool_call`, `tool_call_response`).
 */
function parseWire(value: unknown): Parsed {
  if (value === undefined) return { ok: true, messages: [] };
  let list: unknown = value;
  if (typeof value === "string") {
    try {
      list = JSON.parse(value);
    } catch {
      return { ok: false, reason: "trace messages are not JSON" };
    }
  }
  if (!Array.isArray(list)) return { ok: false, reason: "trace messages are not a list" };
  const out: Message[] = [];
  for (const item of list) {
    if (item === null || typeof item !== "object") continue;
    const m = item as Record<string, unknown>;
    const role = m.role;
    if (typeof role !== "string" || !ROLES.has(role)) {
      return { ok: false, reason: "trace message with an unknown role" };
    }
    const texts: string[] = [];
    const calls: ToolCall[] = [];
    const parts = Array.isArray(m.parts) ? m.parts : Array.isArray(m.content) ? m.content : [];
    if (typeof m.content === "string") texts.push(m.content);
    for (const part of parts) {
      if (typeof part === "string") {
        texts.push(part);
        continue;
      }
      if (part === null || typeof part !== "object") continue;
      const p = part as Record<string, unknown>;
      if (p.type === "tool_call") {
        const call = toolCallOf(p);
        if (call === undefined)
          return { ok: false, reason: "tool arguments are not a JSON object" };
        calls.push(call);
      } else if (p.type === "tool_call_response") {
        out.push({
          role: "tool",
          content: asText(p.response ?? p.result),
          ...(typeof p.id === "string" ? { tool_call_id: p.id } : {}),
        });
      } else {
        const text = p.content ?? p.text;
        if (typeof text === "string") texts.push(text);
      }
    }
    for (const raw of Array.isArray(m.tool_calls) ? m.tool_calls : []) {
      if (raw === null || typeof raw !== "object") continue;
      const call = toolCallOf(raw as Record<string, unknown>);
      if (call === undefined) return { ok: false, reason: "tool arguments are not a JSON object" };
      calls.push(call);
    }
    if (role === "tool" && texts.length === 0 && parts.length > 0) continue;
    out.push({
      role: role as Role,
      content: texts.join("\n"),
      ...(calls.length ? { tool_calls: calls } : {}),
      ...(typeof m.tool_call_id === "string" ? { tool_call_id: m.tool_call_id } : {}),
      ...(typeof m.name === "string" && role === "tool" ? { name: m.name } : {}),
    });
  }
  return { ok: true, messages: out };
}
