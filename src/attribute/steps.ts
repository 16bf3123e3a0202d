import { GENAI, type Span } from "../core/index.js";
import { parseMessages, resultLooksLikeError } from "../mining/index.js";
import type { Step, StepToolCall } from "./types.js";

/** Attributes the Who&When importer writes on each step span (and other producers may too). */
export const STEP_ATTRS = {
  index: "ratchet.step.index",
  role: "ratchet.step.role",
} as const;

const AGENT_ATTRS = ["ratchet.agent.name", GENAI.agentName] as const;
/** Parent links of a malformed trace can form a cycle; no real agent tree is this deep. */
const MAX_DEPTH = 64;

/**
 * The agent a speaker label names: Magentic-One writes `Orchestrator (thought)` and
 * `Orchestrator (-> WebSurfer)`; the responsible agent is the Orchestrator in both.
 */
export function normalizeAgent(label: string): string {
  const stripped = label.replace(/\s*\([^()]*\)\s*$/, "").trim();
  return stripped === "" ? label.trim() : stripped;
}

function stringAttr(span: Span, name: string): string | undefined {
  const v = span.attributes[name];
  if (v === undefined) return undefined;
  return typeof v === "string" ? v : JSON.stringify(v);
}

function ownAgent(span: Span): string | undefined {
  for (const name of AGENT_ATTRS) {
    const v = stringAttr(span, name);
    if (v !== undefined && v.trim() !== "") return v;
  }
  return undefined;
}

/** The span's own agent, else its nearest ancestor's (as cost attribution does). */
export function agentResolver(spans: readonly Span[]): (span: Span) => string | undefined {
  const byId = new Map(spans.map((s) => [s.span_id, s]));
  const memo = new Map<string, string | undefined>();
  return (span) => {
    const seen: string[] = [];
    let current: Span | undefined = span;
    let found: string | undefined;
    for (let depth = 0; current && depth < MAX_DEPTH; depth++) {
      if (memo.has(current.span_id)) {
        found = memo.get(current.span_id);
        break;
      }
      seen.push(current.span_id);
      found = ownAgent(current);
      if (found !== undefined) break;
      current = current.parent_span_id === undefined ? undefined : byId.get(current.parent_span_id);
    }
    for (const id of seen) memo.set(id, found);
    return found;
  };
}

function exceptionOf(span: Span): string | undefined {
  const event = span.events.find((e) => e.name === "exception");
  if (!event) return undefined;
  const a = event.attributes ?? {};
  return String(a["exception.message"] ?? a["exception.type"] ?? "exception");
}

function messageText(value: unknown): string {
  return parseMessages(value)
    .map((m) => m.content)
    .filter((t) => t.trim() !== "")
    .join("\n");
}

function toolCallOf(span: Span): StepToolCall {
  const name = stringAttr(span, GENAI.toolName) ?? span.name;
  const args = stringAttr(span, GENAI.toolArguments);
  const result = stringAttr(span, GENAI.toolResult);
  let error: string | undefined;
  if (span.status.code === "error") error = span.status.message ?? "error";
  else if (resultLooksLikeError(result)) error = result;
  return {
    name,
    ...(args !== undefined ? { arguments: args } : {}),
    ...(result !== undefined ? { result } : {}),
    ...(error !== undefined ? { error } : {}),
  };
}

interface Draft {
  span: Span;
  order: number;
  role: string;
  content: string;
  toolCalls: StepToolCall[];
  errors: string[];
}

function draftOf(span: Span, order: number, isRoot: boolean): Draft | undefined {
  const isTool = span.attributes[GENAI.operation] === "execute_tool";
  const toolCalls: StepToolCall[] = [];
  const errors: string[] = [];
  let content: string;
  if (isTool) {
    const call = toolCallOf(span);
    toolCalls.push(call);
    content = `${call.name}(${call.arguments ?? ""}) -> ${call.error ?? call.result ?? ""}`;
    if (call.error !== undefined) errors.push(`tool ${call.name}: ${call.error}`);
  } else {
    // A chat span's output is what its agent said; the root's input is the task, not a step.
    content = messageText(span.attributes["gen_ai.output.messages"]);
    if (content === "" && !isRoot) content = messageText(span.attributes["gen_ai.input.messages"]);
    if (span.status.code === "error")
      errors.push(span.status.message ?? stringAttr(span, GENAI.errorType) ?? "error status");
  }
  const exception = exceptionOf(span);
  if (exception !== undefined && !errors.includes(exception)) errors.push(exception);
  if (content === "" && errors.length === 0) return undefined;
  const role = stringAttr(span, STEP_ATTRS.role) ?? "";
  return { span, order, role, content, toolCalls, errors };
}

/**
 * A stored trace (or an attempt's spans) as steps: every span that said something, called a
 * tool or failed, in start order, each credited to its own agent or its nearest ancestor's.
 * Spans carrying `ratchet.step.index` (an imported step log) keep that order and index.
 */
export function stepsFromSpans(
  spans: readonly Span[],
  options: { defaultAgent?: string } = {},
): Step[] {
  const ids = new Set(spans.map((s) => s.span_id));
  const isRoot = (s: Span) => s.parent_span_id === undefined || !ids.has(s.parent_span_id);
  const agentOf = agentResolver(spans);
  const ordered = spans
    .map((span, order) => ({ span, order }))
    .sort((a, b) => a.span.start_ms - b.span.start_ms || a.order - b.order);
  const drafts: Draft[] = [];
  for (const { span, order } of ordered) {
    const d = draftOf(span, order, isRoot(span));
    if (d) drafts.push(d);
  }
  const indexed = drafts.every((d) => typeof d.span.attributes[STEP_ATTRS.index] === "number");
  if (indexed && drafts.length > 0)
    drafts.sort(
      (a, b) =>
        (a.span.attributes[STEP_ATTRS.index] as number) -
        (b.span.attributes[STEP_ATTRS.index] as number),
    );
  return drafts.map((d, i) => {
    const label = agentOf(d.span) ?? options.defaultAgent ?? "unknown";
    return {
      index: indexed ? (d.span.attributes[STEP_ATTRS.index] as number) : i,
      agent: normalizeAgent(label),
      role: d.role || label,
      content: d.content,
      ...(d.toolCalls.length ? { toolCalls: d.toolCalls } : {}),
      ...(d.errors.length ? { errors: d.errors } : {}),
    };
  });
}
