import type { Span } from "../core/index.js";

/**
 * One production request as an application instrumented with `ratchet/client` would send it:
 * a root span tagged with the prompt version that served it, a chat span with the messages,
 * and an error status when it failed. Used by `bench/live` to stream simulated traffic and by
 * the live tests; the spans go through the same ingestion as the receiver's.
 */
export interface RequestSpec {
  traceId: string;
  promptName: string;
  /** The version hash that served it (tagged as `name@hash`, as the client does). */
  versionHash?: string;
  canaryId?: string;
  startMs: number;
  latencyMs: number;
  error?: boolean;
  input: string;
  output: string;
  costUsd?: number;
  toolCalls?: number;
  /** `ratchet.trace.outcome`: a `failure` is a failure signal once mined. */
  outcome?: "success" | "failure" | "error" | "abandoned";
  /** The user's correction of the answer (`ratchet.feedback.correction`). */
  correction?: string;
}

export function requestSpans(r: RequestSpec): Span[] {
  const rootId = `${r.traceId.slice(0, 8)}00000001`.slice(0, 16);
  const attributes: Span["attributes"] = {
    "gen_ai.operation.name": "invoke_agent",
    "ratchet.prompt.name": r.promptName,
    "gen_ai.input.messages": JSON.stringify([
      { role: "user", parts: [{ type: "text", content: r.input }] },
    ]),
    "gen_ai.output.messages": JSON.stringify([
      { role: "assistant", parts: [{ type: "text", content: r.output }] },
    ]),
  };
  if (r.versionHash !== undefined) {
    attributes["ratchet.prompt.version"] = `${r.promptName}@${r.versionHash}`;
  }
  if (r.canaryId !== undefined) attributes["ratchet.canary.id"] = r.canaryId;
  if (r.costUsd !== undefined) attributes["ratchet.cost.usd"] = r.costUsd;
  if (r.outcome !== undefined) attributes["ratchet.trace.outcome"] = r.outcome;
  if (r.correction !== undefined) attributes["ratchet.feedback.correction"] = r.correction;
  const spans: Span[] = [
    {
      trace_id: r.traceId,
      span_id: rootId,
      name: "invoke_agent support",
      kind: "server",
      start_ms: r.startMs,
      end_ms: r.startMs + r.latencyMs,
      attributes,
      status: r.error ? { code: "error", message: "upstream model failed" } : { code: "ok" },
      events: [],
    },
  ];
  for (let i = 0; i < (r.toolCalls ?? 0); i++) {
    spans.push({
      trace_id: r.traceId,
      span_id: `${r.traceId.slice(0, 8)}${String(i + 2).padStart(8, "0")}`.slice(0, 16),
      parent_span_id: rootId,
      name: "execute_tool lookup_order",
      kind: "internal",
      start_ms: r.startMs + 1,
      end_ms: r.startMs + 2,
      attributes: {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "lookup_order",
        "gen_ai.tool.call.arguments": '{"order_id":"A1"}',
        "gen_ai.tool.call.result": '{"status":"shipped"}',
      },
      status: { code: "ok" },
      events: [],
    });
  }
  return spans;
}

/** A 32-hex trace id from a number, for generated traffic. */
export function traceIdOf(n: number, salt = 0): string {
  return (salt.toString(16).padStart(8, "0") + n.toString(16).padStart(24, "0")).slice(-32);
}
