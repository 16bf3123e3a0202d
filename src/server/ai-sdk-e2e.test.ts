import { AsyncLocalStorage } from "node:async_hooks";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOpenAI } from "@ai-sdk/openai";
import { type Context, type ContextManager, context, ROOT_CONTEXT } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { generateText, stepCountIs, tool } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Span } from "../core/index.js";
import { buildDetectors, mineFailures } from "../mining/index.js";
import { sendJson, startServer as startModelServer } from "../providers/test-helpers.js";
import { openSqliteStore, type Store } from "../store/index.js";
import { type RunningServer, startServer } from "./index.js";

const TOKEN = "ai-sdk-telemetry-token-0123456789";

/**
 * What `@opentelemetry/context-async-hooks` (registered by sdk-trace-node / sdk-node) does, on
 * the same AsyncLocalStorage: without a context manager every AI SDK span would be a root.
 * That package is not installed here.
 */
class AsyncLocalContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== "function") return target;
    const run = this.#storage.run.bind(this.#storage);
    return ((...args: unknown[]) => run(ctx, () => target(...args))) as T;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.#storage.disable();
    return this;
  }
}

/** One chat-completions answer: a tool call, or the final text. */
function completion(message: Record<string, unknown>, finish: string) {
  return {
    id: `chatcmpl-${finish}`,
    object: "chat.completion",
    created: 1_763_924_000,
    model: "gpt-4o-mini-2024-07-18",
    choices: [{ index: 0, message, finish_reason: finish }],
    usage: { prompt_tokens: 41, completion_tokens: 9, total_tokens: 50 },
  };
}

describe("the Vercel AI SDK's own telemetry, exported over OTLP to `serve`", () => {
  let dir: string;
  let store: Store;
  let receiver: RunningServer;
  let model: Awaited<ReturnType<typeof startModelServer>>;
  let spans: Span[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ratchet-ai-sdk-"));
    store = await openSqliteStore(join(dir, "r.db"));
    receiver = await startServer({ traces: store.traces, token: TOKEN, port: 0 });
    // A local server speaking OpenAI chat completions: first a tool call, then the answer.
    model = await startModelServer((request, res) => {
      const messages = request.body.messages as Array<{ role: string }>;
      if (!messages.some((m) => m.role === "tool")) {
        sendJson(
          res,
          200,
          completion(
            {
              role: "assistant",
              content: null,
              tool_calls: [
                {
                  id: "call_lookup_1",
                  type: "function",
                  function: { name: "lookup_order", arguments: '{"orderId":"A-17"}' },
                },
              ],
            },
            "tool_calls",
          ),
        );
      } else {
        sendJson(
          res,
          200,
          completion({ role: "assistant", content: "Sorry, I cannot see order A-17." }, "stop"),
        );
      }
    });

    context.setGlobalContextManager(new AsyncLocalContextManager());
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ "service.name": "shop-assistant" }),
      spanProcessors: [
        new SimpleSpanProcessor(
          new OTLPTraceExporter({
            url: `${receiver.url}/v1/traces`,
            headers: { authorization: `Bearer ${TOKEN}` },
          }),
        ),
      ],
    });
    const openai = createOpenAI({ baseURL: `${model.url}/v1`, apiKey: "sk-test-not-a-real-key" });
    const result = await generateText({
      model: openai.chat("gpt-4o-mini"),
      system: "You help with orders.",
      prompt: "Where is my order A-17?",
      tools: {
        lookup_order: tool({
          description: "Find an order",
          inputSchema: z.object({ orderId: z.string() }),
          execute: async ({ orderId }): Promise<string> => {
            throw new Error(`order service unavailable (503)${orderId ? "" : " for no order"}`);
          },
        }),
      },
      stopWhen: stepCountIs(3),
      experimental_telemetry: {
        isEnabled: true,
        functionId: "order-help",
        tracer: provider.getTracer("ai"),
      },
    });
    expect(result.text).toBe("Sorry, I cannot see order A-17.");
    await provider.forceFlush();
    await provider.shutdown();
    const [trace] = await store.traces.listTraces();
    spans = (await store.traces.getTrace(trace?.trace_id as string))?.spans ?? [];
  }, 60_000);

  afterAll(async () => {
    context.disable();
    await receiver.close();
    await model.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const byOperation = (op: string) =>
    spans.filter((s) => s.attributes["gen_ai.operation.name"] === op);

  it("the outer call becomes the agent span: prompt in, final text out, named by functionId", () => {
    const [agent] = byOperation("invoke_agent");
    expect(agent?.parent_span_id).toBeUndefined();
    expect(JSON.parse(String(agent?.attributes["gen_ai.input.messages"]))).toEqual([
      { role: "system", content: "You help with orders." },
      { role: "user", content: "Where is my order A-17?" },
    ]);
    expect(JSON.parse(String(agent?.attributes["gen_ai.output.messages"]))).toEqual([
      { role: "assistant", content: "Sorry, I cannot see order A-17." },
    ]);
    expect(agent?.attributes["gen_ai.agent.name"]).toBe("order-help");
    expect(agent?.attributes["gen_ai.request.model"]).toBe("gpt-4o-mini");
  });

  it("each model call becomes a chat span with model, provider, usage and its messages", () => {
    const chats = byOperation("chat");
    expect(chats).toHaveLength(2);
    for (const chat of chats) {
      expect(chat.attributes).toMatchObject({
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
        "gen_ai.usage.input_tokens": 41,
        "gen_ai.usage.output_tokens": 9,
      });
    }
    const [first, second] = [...chats].sort((a, b) => a.start_ms - b.start_ms);
    expect(JSON.parse(String(first?.attributes["gen_ai.output.messages"]))).toEqual([
      {
        role: "assistant",
        content: "",
        tool_calls: [
          { name: "lookup_order", id: "call_lookup_1", arguments: '{"orderId":"A-17"}' },
        ],
      },
    ]);
    const secondInput = JSON.parse(String(second?.attributes["gen_ai.input.messages"]));
    expect(secondInput.map((m: { role: string }) => m.role)).toEqual([
      "system",
      "user",
      "assistant",
      "tool",
    ]);
    expect(secondInput[3]).toMatchObject({
      role: "tool",
      tool_call_id: "call_lookup_1",
      content: expect.stringContaining("order service unavailable (503)"),
    });
  });

  it("the failed tool call is an execute_tool span with its name, id, arguments and error", () => {
    const [call] = byOperation("execute_tool");
    expect(call?.name).toBe("execute_tool lookup_order");
    expect(call?.attributes).toMatchObject({
      "gen_ai.tool.name": "lookup_order",
      "gen_ai.tool.call.id": "call_lookup_1",
      "gen_ai.tool.call.arguments": '{"orderId":"A-17"}',
      "error.type": "tool_error",
    });
    expect(call?.status).toEqual({ code: "error", message: "order service unavailable (503)" });
  });

  it("mining sees the failure with its input, output and tool call", async () => {
    await mineFailures(store, { detectors: buildDetectors() });
    const failures = await store.failures.list();
    const toolFailure = failures.find((f) => f.tool_calls.some((t) => t.error !== undefined));
    expect(toolFailure).toBeDefined();
    expect(toolFailure?.input).toBe("Where is my order A-17?");
    expect(toolFailure?.output).toBe("Sorry, I cannot see order A-17.");
    expect(toolFailure?.tool_calls).toEqual([
      {
        name: "lookup_order",
        arguments: '{"orderId":"A-17"}',
        error: "order service unavailable (503)",
      },
    ]);
    expect(toolFailure?.agent).toBe("order-help");
  });
});
