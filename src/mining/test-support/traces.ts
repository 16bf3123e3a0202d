import Database from "better-sqlite3";
import type { Span } from "../../core/index.js";
import { encodeSpan, SPAN_COLUMNS } from "../../store/codec.js";

/** Builds production traces in the contract's shape (GenAI attributes, outcome on the root). */
export interface TraceSpec {
  traceId: string;
  startMs: number;
  agent?: string;
  model?: string;
  provider?: string;
  outcome?: "success" | "failure" | "error" | "abandoned";
  feedbackScore?: number;
  feedbackText?: string;
  correction?: string;
  messages: Array<{ role: string; content: string }>;
  tools?: Array<{ name: string; args?: unknown; result?: unknown; error?: string }>;
  /** An error on the chat span (provider failure, exception). */
  chatError?: string;
  exception?: string;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  rootAttributes?: Span["attributes"];
}

export function buildTrace(spec: TraceSpec): Span[] {
  let n = 0;
  const sid = () => `${spec.traceId.slice(0, 8)}${String(++n).padStart(8, "0")}`;
  const rootId = sid();
  const t0 = spec.startMs;
  const root: Span = {
    trace_id: spec.traceId,
    span_id: rootId,
    name: `invoke_agent ${spec.agent ?? "support"}`,
    kind: "server",
    start_ms: t0,
    end_ms: t0 + 5000,
    attributes: {
      "gen_ai.operation.name": "invoke_agent",
      "ratchet.agent.name": spec.agent ?? "support",
      "ratchet.source.format": "test",
      ...(spec.outcome ? { "ratchet.trace.outcome": spec.outcome } : {}),
      ...(spec.feedbackScore !== undefined ? { "ratchet.feedback.score": spec.feedbackScore } : {}),
      ...(spec.feedbackText ? { "ratchet.feedback.text": spec.feedbackText } : {}),
      ...(spec.correction ? { "ratchet.feedback.correction": spec.correction } : {}),
      ...(spec.rootAttributes ?? {}),
    },
    status: { code: spec.outcome === "error" ? "error" : "ok" },
    events: [],
  };
  const spans: Span[] = [root];
  const split = spec.messages.findLastIndex((m) => m.role !== "assistant");
  const input = spec.messages.slice(0, split + 1);
  const output = spec.messages.slice(split + 1);
  spans.push({
    trace_id: spec.traceId,
    span_id: sid(),
    parent_span_id: rootId,
    name: `chat ${spec.model ?? "gpt-4o"}`,
    kind: "client",
    start_ms: t0 + 100,
    end_ms: t0 + 1100,
    attributes: {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": spec.provider ?? "openai",
      "gen_ai.request.model": spec.model ?? "gpt-4o",
      "gen_ai.usage.input_tokens": spec.inputTokens ?? 1000,
      "gen_ai.usage.output_tokens": spec.outputTokens ?? 200,
      "gen_ai.input.messages": JSON.stringify(input),
      "gen_ai.output.messages": JSON.stringify(output),
      ...(spec.costUsd !== undefined ? { "ratchet.cost.usd": spec.costUsd } : {}),
    },
    status: spec.chatError ? { code: "error", message: spec.chatError } : { code: "ok" },
    events: spec.exception
      ? [
          {
            name: "exception",
            time_ms: t0 + 900,
            attributes: { "exception.message": spec.exception },
          },
        ]
      : [],
  });
  (spec.tools ?? []).forEach((tool, i) => {
    spans.push({
      trace_id: spec.traceId,
      span_id: sid(),
      parent_span_id: rootId,
      name: `execute_tool ${tool.name}`,
      kind: "internal",
      start_ms: t0 + 1200 + i * 100,
      end_ms: t0 + 1250 + i * 100,
      attributes: {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": tool.name,
        "gen_ai.tool.call.arguments": JSON.stringify(tool.args ?? {}),
        ...(tool.result !== undefined
          ? {
              "gen_ai.tool.call.result":
                typeof tool.result === "string" ? tool.result : JSON.stringify(tool.result),
            }
          : {}),
      },
      status: tool.error ? { code: "error", message: tool.error } : { code: "ok" },
      events: [],
    });
  });
  return spans;
}

/** Inserts spans straight into the `spans` table, as the ingest path will. */
export function insertSpans(
  dbPath: string,
  spans: Span[],
  options: {
    source?: "production" | "eval";
    runId?: string | null;
    attemptId?: string | null;
  } = {},
): void {
  const db = new Database(dbPath);
  try {
    const insert = db.prepare(
      `INSERT INTO spans (${SPAN_COLUMNS.join(", ")}) VALUES (${SPAN_COLUMNS.map(() => "?").join(", ")})`,
    );
    db.transaction(() => {
      for (const s of spans) {
        const row = encodeSpan(
          s,
          options.source ?? "production",
          options.runId ?? null,
          options.attemptId ?? null,
        );
        insert.run(SPAN_COLUMNS.map((column) => row[column]));
      }
    })();
  } finally {
    db.close();
  }
}

let counter = 0;
export function traceId(label: string): string {
  counter++;
  const hex = Buffer.from(label).toString("hex");
  return `${counter.toString(16).padStart(8, "0")}${hex}${"0".repeat(32)}`.slice(0, 32);
}
