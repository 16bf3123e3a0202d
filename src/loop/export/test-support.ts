/** Builders for the exporters' tests. Not exported from index.ts. */
import type { Attempt, Message, Run } from "../../core/index.js";

export const SYSTEM = "You are the support assistant of a shop.";

/** A transcript with one tool step: ask, look the order up, answer. */
export function toolConversation(
  question = "Where is ORD-1001?",
  answer = "ORD-1001 is shipped; expected 2026-11-30.",
  callId = "call_a1",
): Message[] {
  return [
    { role: "system", content: SYSTEM },
    { role: "user", content: question },
    {
      role: "assistant",
      content: "",
      tool_calls: [{ id: callId, name: "lookup_order", arguments: { order_id: "ORD-1001" } }],
    },
    {
      role: "tool",
      content: '{"status":"shipped","eta":"2026-11-30"}',
      tool_call_id: callId,
      name: "lookup_order",
    },
    { role: "assistant", content: answer },
  ];
}

export function attempt(overrides: Partial<Attempt> & Pick<Attempt, "id" | "case_id">): Attempt {
  const messages = overrides.messages ?? toolConversation();
  return {
    run_id: "run_x",
    epoch: 0,
    variant: "sim:support",
    status: "passed",
    output: messages.at(-1)?.content ?? "",
    messages,
    tool_calls: [],
    side_effects: [],
    spans: [],
    scores: [],
    dimension_scores: { accuracy: 1 },
    overall: 0.95,
    usage: { input_tokens: 10, output_tokens: 5 },
    cost_usd: 0,
    latency_ms: 10,
    retries: 0,
    started_at: "2026-01-01T00:00:00.000Z",
    finished_at: "2026-01-01T00:00:01.000Z",
    tags: [],
    severity: "blocking",
    ...overrides,
  };
}

export function run(overrides: Partial<Run> & Pick<Run, "id">): Run {
  return {
    pipeline: "support-agent",
    suite: "suites/*.yaml",
    config_hash: "h",
    agent_kind: "prompt",
    models: ["sim:support"],
    seed: 42,
    epochs: 1,
    status: "completed",
    started_at: "2026-01-01T00:00:00.000Z",
    finished_at: "2026-01-01T00:01:00.000Z",
    purpose: "evaluation",
    config_snapshot: {
      config: {
        agent: {
          kind: "prompt",
          tools: [
            {
              name: "lookup_order",
              description: "Look up an order.",
              parameters: { type: "object", properties: { order_id: { type: "string" } } },
            },
          ],
        },
      },
    },
    case_count: 1,
    ...overrides,
  };
}
