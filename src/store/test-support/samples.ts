import type { Attempt, Run, Span } from "../../core/index.js";

/**
 * Realistically sized sample records for the store's tests and benchmark: a short
 * tool-using conversation, three GenAI spans, three scores (≈4 KB of JSON per attempt).
 */

const SYSTEM_PROMPT =
  "You are a customer support agent for an online store. Answer politely and concisely. " +
  "Use the lookup_order tool to find order details before answering questions about an " +
  "order, and the refund tool only when the customer explicitly asks for a refund and the " +
  "order is eligible. Never reveal internal notes. If you are unsure, ask a clarifying question.";

export function sampleRun(overrides: Partial<Run> = {}): Run {
  return {
    id: "run_0000000000sample0001",
    pipeline: "support-bot",
    suite: "suites/support.yaml",
    config_hash: "sha256:4f2a9c0e",
    prompt_version: "pv_3b1c",
    agent_kind: "prompt",
    models: ["openai:gpt-4o-mini", "anthropic:claude-haiku"],
    seed: 42,
    epochs: 3,
    status: "running",
    started_at: "2025-01-02T03:04:05.678Z",
    purpose: "evaluation",
    config_snapshot: { agent: { model: "openai:gpt-4o-mini", temperature: 0 }, cases: 10 },
    case_count: 10,
    threshold: 0.8,
    ...overrides,
  };
}

function spans(traceId: string, n: number): Span[] {
  const root: Span = {
    trace_id: traceId,
    span_id: `${traceId.slice(0, 8)}00000001`,
    name: "invoke_agent support-bot",
    kind: "internal",
    start_ms: 1_735_787_045_678 + n,
    end_ms: 1_735_787_046_912 + n,
    attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "support-bot" },
    status: { code: "ok" },
    events: [],
  };
  const chat = (i: number, outputTokens: number): Span => ({
    trace_id: traceId,
    span_id: `${traceId.slice(0, 8)}0000000${i + 1}`,
    parent_span_id: root.span_id,
    name: "chat gpt-4o-mini",
    kind: "client",
    start_ms: root.start_ms + i * 400,
    end_ms: root.start_ms + i * 400 + 380,
    attributes: {
      "gen_ai.operation.name": "chat",
      "gen_ai.system": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
      "gen_ai.usage.input_tokens": 412 + i * 60,
      "gen_ai.usage.output_tokens": outputTokens,
      "gen_ai.response.finish_reasons": [i === 1 ? "tool_calls" : "stop"],
    },
    status: { code: "ok" },
    events: [{ name: "gen_ai.choice", time_ms: root.start_ms + i * 400 + 379 }],
  });
  return [root, chat(1, 24), chat(2, 61)];
}

/** Attempt `n` of a run; fields vary with `n` so that rows differ. */
export function sampleAttempt(
  runId: string,
  caseId: string,
  epoch: number,
  variant = "openai:gpt-4o-mini",
  n = 0,
): Attempt {
  const orderId = `A-${10_000 + (n % 90_000)}`;
  const traceId = `${(n + 1).toString(16).padStart(8, "0")}4bf92f3577b34da6a3ce929d0e0e47`;
  const failed = n % 7 === 3;
  const answer = `Your order ${orderId} shipped on January 2nd via UPS and should arrive within three business days. The tracking number is 1Z999AA1012345678${n % 10}. Is there anything else I can help you with?`;
  return {
    id: `att_${runId.slice(4, 14)}${n.toString(36).padStart(10, "0")}`,
    run_id: runId,
    case_id: caseId,
    epoch,
    variant,
    status: failed ? "failed" : "passed",
    output: answer,
    messages: [
      { role: "system", content: SYSTEM_PROMPT },
      { role: "user", content: `Hi, where is my order ${orderId}? It was supposed to arrive.` },
      {
        role: "assistant",
        content: "",
        tool_calls: [{ id: `call_${n}`, name: "lookup_order", arguments: { order_id: orderId } }],
      },
      {
        role: "tool",
        tool_call_id: `call_${n}`,
        name: "lookup_order",
        content: JSON.stringify({
          order_id: orderId,
          status: "shipped",
          carrier: "UPS",
          shipped_at: "2025-01-02",
          items: [{ sku: "SKU-1", qty: 1 }],
        }),
      },
      { role: "assistant", content: answer },
    ],
    tool_calls: [{ id: `call_${n}`, name: "lookup_order", arguments: { order_id: orderId } }],
    side_effects: [{ tool: "lookup_order", effect: "read", data: { order_id: orderId } }],
    spans: spans(traceId, n),
    scores: [
      {
        grader: "contains",
        dimension: "accuracy",
        score: failed ? 0 : 1,
        passed: !failed,
        reason: failed ? "output does not mention the carrier" : "output mentions UPS",
        weight: 1,
      },
      {
        grader: "tool_called",
        dimension: "tool_use",
        score: 1,
        passed: true,
        reason: "lookup_order was called with the order id",
        details: { tool: "lookup_order", matched_arguments: ["order_id"] },
      },
      {
        grader: "latency",
        dimension: "latency",
        score: 0.92,
        passed: true,
        reason: "1234 ms under the 2000 ms budget",
      },
    ],
    dimension_scores: { accuracy: failed ? 0 : 1, tool_use: 1, latency: 0.92 },
    overall: failed ? 0.38 + (n % 5) / 100 : 0.97 - (n % 5) / 100,
    usage: { input_tokens: 884, output_tokens: 85, cached_input_tokens: 412 },
    cost_usd: 0.000183 + (n % 13) * 1e-6,
    latency_ms: 1234 + (n % 300),
    retries: n % 11 === 0 ? 1 : 0,
    started_at: "2025-01-02T03:04:05.678Z",
    finished_at: "2025-01-02T03:04:06.912Z",
    tags: ["orders", "shipping"],
    severity: n % 3 === 0 ? "blocking" : "warning",
  };
}

/** One span of a hand-built trace: a 10 ms `internal` span with status ok and no events. */
export function sampleSpan(
  trace: string,
  id: string,
  parent: string | undefined,
  name: string,
  start: number,
  attributes: Span["attributes"],
): Span {
  return {
    trace_id: trace,
    span_id: id,
    ...(parent ? { parent_span_id: parent } : {}),
    name,
    kind: "internal",
    start_ms: start,
    end_ms: start + 10,
    attributes,
    status: { code: "ok" },
    events: [],
  };
}
