import { GENAI, InputError, type Message, type Role, type Span } from "../../core/index.js";
import { buildTraceView } from "../../mining/index.js";
import type { Store, TraceSummary } from "../../store/index.js";
import type { RecordedToolCall, ReplayInput, ShadowSkip } from "./types.js";

export interface Selection {
  traces: TraceSummary[];
  by: "prompt" | "agent";
  note: string;
}

/**
 * The newest `sample` production traces to replay: those the client tagged with the
 * challenger's prompt name, else (no trace tagged) the configured agent's, said so in the
 * note. None at all is bad input: a shadow of nothing proves nothing.
 */
export async function selectTraces(
  store: Store,
  options: { promptName: string; agents: readonly string[]; sample: number; since?: number },
): Promise<Selection> {
  const since = options.since !== undefined ? { since: options.since } : {};
  const tagged = await store.traces.listTraces({
    promptName: options.promptName,
    limit: options.sample,
    ...since,
  });
  if (tagged.length > 0) {
    return {
      traces: tagged,
      by: "prompt",
      note: `the ${tagged.length} newest traces served by prompt ${options.promptName}`,
    };
  }
  const agents = [...new Set(options.agents)];
  const ofAgent = await store.traces.listTraces({ agents, limit: options.sample, ...since });
  if (ofAgent.length > 0) {
    return {
      traces: ofAgent,
      by: "agent",
      note: `no trace is tagged with prompt ${options.promptName} (ratchet.prompt.name); replayed the ${ofAgent.length} newest traces of agent ${agents.join(" / ")} instead`,
    };
  }
  const total = await store.traces.countTraces();
  throw new InputError(
    total === 0
      ? "no production traces in the store: ingest some first (ratchet ingest <file>, or ratchet serve with the OTLP receiver)"
      : `none of the ${total} production traces${options.since !== undefined ? " in the --since window" : ""} is tagged with prompt ${options.promptName} or comes from agent ${agents.join(" / ")}`,
    { key: "--challenger" },
  );
}

function parseJson(text: unknown): unknown {
  if (typeof text !== "string") return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Tool calls as the trace recorded them, read from the tool spans themselves: the trace view
 * clips results for display, and the replay must hand the challenger the whole result.
 */
export function recordedToolCalls(spans: readonly Span[]): RecordedToolCall[] {
  const out: RecordedToolCall[] = [];
  for (const span of spans) {
    if (span.attributes[GENAI.operation] !== "execute_tool") continue;
    const name = span.attributes[GENAI.toolName];
    if (typeof name !== "string") continue;
    const args = parseJson(span.attributes[GENAI.toolArguments]);
    const result = span.attributes[GENAI.toolResult];
    const call: RecordedToolCall = {
      name,
      arguments:
        args !== null && typeof args === "object" && !Array.isArray(args)
          ? (args as Record<string, unknown>)
          : undefined,
    };
    if (span.status.code === "error") call.error = span.status.message ?? "error";
    else if (result !== undefined) call.result = parseJson(result);
    out.push(call);
  }
  return out;
}

const ROLES = new Set<Role>(["user", "assistant"]);

/**
 * One trace as a replay: the conversation up to its last user turn (system and tool turns
 * left out: the challenger brings its own prompt, and tools answer again from the record) and
 * the champion's answer to that turn. A trace without either is skipped, with the reason.
 */
export function replayInput(
  traceId: string,
  spans: Span[],
  promptVersion?: string,
): ReplayInput | ShadowSkip {
  const view = buildTraceView(traceId, spans);
  const turns = view.messages.filter((m): m is typeof m & { role: Role } =>
    ROLES.has(m.role as Role),
  );
  // The last user turn the champion answered: a conversation often ends on the user's
  // "ok, thanks", which has no answer to compare with.
  let last = -1;
  let answer: (typeof turns)[number] | undefined;
  let asked = false;
  for (let i = turns.length - 1; i >= 0; i--) {
    const turn = turns[i]!;
    if (turn.role === "assistant") {
      answer = turn;
    } else {
      asked = true;
      if (answer !== undefined) {
        last = i;
        break;
      }
    }
  }
  if (!asked) return { trace_id: traceId, reason: "no_input", detail: "no user message" };
  if (last < 0 || answer === undefined) {
    return {
      trace_id: traceId,
      reason: "no_output",
      detail: "no assistant answer after any user message",
    };
  }
  const input: Message[] = turns
    .slice(0, last + 1)
    .map((m) => ({ role: m.role, content: m.content }));
  const recorded = recordedToolCalls(spans);
  return {
    trace_id: traceId,
    input,
    champion_output: answer.content,
    champion_messages: [...input, { role: "assistant", content: answer.content }],
    champion_tool_calls: recorded.map((call, i) => ({
      id: `recorded-${i}`,
      name: call.name,
      arguments: call.arguments ?? {},
    })),
    recorded_tools: recorded,
    ...(promptVersion !== undefined ? { prompt_version: promptVersion } : {}),
  };
}

export function isSkip(value: ReplayInput | ShadowSkip): value is ShadowSkip {
  return "reason" in value;
}
