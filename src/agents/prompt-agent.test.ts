import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { ToolFixture } from "../config/index.js";
import { resolveModels } from "../providers/index.js";
import { type RecordedRequest, sendJson, startServer } from "../providers/test-helpers.js";
import { createPromptAgent } from "./index.js";
import { type Case, priceFree } from "./test-support.js";

const lookupTool: ToolFixture = {
  name: "lookup_order",
  description: "Look up an order",
  parameters: { type: "object", properties: { order_id: { type: "string" } } },
  responses: [{ default: true, result: { status: "shipped" }, effects: [] }],
  side_effect: false,
};

const testCase: Case = {
  id: "c1",
  input: "Where is ORD-1?",
  assertions: [],
  tags: [],
  severity: "blocking",
};

/** An OpenAI chat-completions answer with the given tool calls (arguments as raw strings). */
function completion(content: string | null, toolCalls: { name: string; args: string }[] = []) {
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1,
    model: "gpt-test",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content,
          ...(toolCalls.length
            ? {
                tool_calls: toolCalls.map((call, i) => ({
                  id: `call_${i}`,
                  type: "function",
                  function: { name: call.name, arguments: call.args },
                })),
              }
            : {}),
        },
        finish_reason: toolCalls.length ? "tool_calls" : "stop",
      },
    ],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

async function agentAgainst(answers: ((request: RecordedRequest) => unknown)[], maxSteps: number) {
  let turn = 0;
  const server = await startServer((request, res: ServerResponse) => {
    const answer = answers[Math.min(turn++, answers.length - 1)];
    sendJson(res, 200, answer?.(request));
  });
  const [model] = resolveModels(
    ["local:gpt-test"],
    { local: { type: "openai", base_url: `${server.url}/v1`, api_key_env: "TEST_KEY" } },
    { TEST_KEY: "sk-test-not-a-secret" },
  );
  if (!model) throw new Error("no model");
  const agent = createPromptAgent({
    name: "support",
    model: { ...model, price: priceFree },
    systemPrompt: "Use tools.",
    tools: [lookupTool],
    maxSteps,
    temperature: 0,
  });
  return { server, agent };
}

const run = (agent: ReturnType<typeof createPromptAgent>) =>
  agent.run({
    case: testCase,
    epoch: 0,
    seed: 1,
    runId: "run_x",
    signal: new AbortController().signal,
  });

describe("prompt agent tool loop over the OpenAI protocol", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
  });

  it("answers tool calls, sends the results back, and stops on a plain answer", async () => {
    const { server, agent } = await agentAgainst(
      [
        () => completion(null, [{ name: "lookup_order", args: '{"order_id":"ORD-1"}' }]),
        () => completion("It has shipped."),
      ],
      5,
    );
    close = server.close;
    const result = await run(agent);
    expect(result.output).toBe("It has shipped.");
    expect(result.steps).toBe(2);
    expect(result.tool_calls).toEqual([
      { id: "call_0", name: "lookup_order", arguments: { order_id: "ORD-1" } },
    ]);
    const second = server.requests[1]?.body.messages as Record<string, unknown>[];
    expect(second.map((message) => message.role)).toEqual(["system", "user", "assistant", "tool"]);
    expect(second[3]).toMatchObject({ tool_call_id: "call_0", content: '{"status":"shipped"}' });
    expect(server.requests[0]?.body.tools).toEqual([
      expect.objectContaining({
        type: "function",
        function: expect.objectContaining({ name: "lookup_order" }),
      }),
    ]);
    expect(result.messages.map((message) => message.role)).toEqual([
      "system",
      "user",
      "assistant",
      "tool",
      "assistant",
    ]);
  });

  it("tells the model when its tool arguments are not JSON, and records the intent", async () => {
    const { server, agent } = await agentAgainst(
      [
        () => completion(null, [{ name: "lookup_order", args: "{order_id: ORD-1" }]),
        () => completion("Sorry."),
      ],
      5,
    );
    close = server.close;
    const result = await run(agent);
    expect(result.tool_calls).toEqual([{ id: "call_0", name: "lookup_order", arguments: {} }]);
    expect(result.side_effects).toEqual([]);
    const second = server.requests[1]?.body.messages as Record<string, unknown>[];
    expect(second[3]).toMatchObject({
      role: "tool",
      content: "tool arguments are not valid JSON",
    });
    expect(result.output).toBe("Sorry.");
  });

  it("still runs the last step's tool calls when the step budget ends the loop", async () => {
    const { server, agent } = await agentAgainst(
      [() => completion("Checking.", [{ name: "lookup_order", args: '{"order_id":"ORD-9"}' }])],
      1,
    );
    close = server.close;
    const result = await run(agent);
    expect(server.requests).toHaveLength(1);
    expect(result.steps).toBe(1);
    expect(result.output).toBe("Checking.");
    expect(result.tool_calls.map((call) => call.arguments)).toEqual([{ order_id: "ORD-9" }]);
    expect(result.spans.map((span) => span.name)).toContain("execute_tool lookup_order");
  });
});
