import { generateText, stepCountIs, tool } from "ai";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  cacheStats,
  classifyProviderError,
  providerCallStats,
  resetCacheStats,
  resetProviderCallStats,
  resolveModel,
} from "./index.js";
import { MemoryCacheStore, type RecordedRequest, sendJson, startServer } from "./test-helpers.js";

const KEY = "sk-test-0123456789abcdef";
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function server(handler: Parameters<typeof startServer>[0]) {
  const s = await startServer(handler);
  closers.push(s.close);
  return s;
}

const lookupOrder = tool({
  description: "Look up an order by id",
  inputSchema: z.object({ order_id: z.string() }),
  execute: async ({ order_id }) => ({ order_id, status: "shipped" }),
});

function hasToolMessage(req: RecordedRequest): boolean {
  const messages = req.body.messages as Array<{ role: string }>;
  return messages.some((m) => m.role === "tool");
}

describe("openai chat completions", () => {
  it("sends model, messages, tools and temperature; parses a tool call, the follow-up and usage", async () => {
    const s = await server((req, res) => {
      if (!hasToolMessage(req)) {
        sendJson(res, 200, {
          id: "chatcmpl-1",
          object: "chat.completion",
          created: 1_700_000_000,
          model: "gpt-4o-mini",
          choices: [
            {
              index: 0,
              message: {
                role: "assistant",
                content: null,
                tool_calls: [
                  {
                    id: "call_abc",
                    type: "function",
                    function: { name: "lookup_order", arguments: '{"order_id":"ORD-42"}' },
                  },
                ],
              },
              finish_reason: "tool_calls",
            },
          ],
          usage: { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 },
        });
      } else {
        sendJson(res, 200, {
          id: "chatcmpl-2",
          object: "chat.completion",
          created: 1_700_000_001,
          model: "gpt-4o-mini",
          choices: [
            {
              index: 0,
              message: { role: "assistant", content: "Order ORD-42 has shipped." },
              finish_reason: "stop",
            },
          ],
          usage: {
            prompt_tokens: 80,
            completion_tokens: 7,
            total_tokens: 87,
            prompt_tokens_details: { cached_tokens: 64 },
          },
        });
      }
    });
    const { model } = resolveModel(
      "openai:gpt-4o-mini",
      { openai: { type: "openai", base_url: `${s.url}/v1` } },
      { OPENAI_API_KEY: KEY },
    );
    resetProviderCallStats();
    const result = await generateText({
      model,
      maxRetries: 0,
      temperature: 0.2,
      system: "You are a support agent.",
      prompt: "Where is ORD-42?",
      tools: { lookup_order: lookupOrder },
      stopWhen: stepCountIs(3),
    });

    expect(s.requests).toHaveLength(2);
    const first = s.requests[0]!;
    expect(first.path).toBe("/v1/chat/completions");
    expect(first.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(first.body.model).toBe("gpt-4o-mini");
    expect(first.body.temperature).toBe(0.2);
    expect(first.body.messages).toEqual([
      { role: "system", content: "You are a support agent." },
      { role: "user", content: "Where is ORD-42?" },
    ]);
    const tools = first.body.tools as Array<{ type: string; function: { name: string } }>;
    expect(tools.map((t) => t.function.name)).toEqual(["lookup_order"]);
    const second = s.requests[1]!.body.messages as Array<Record<string, unknown>>;
    expect(second.find((m) => m.role === "tool")).toMatchObject({
      tool_call_id: "call_abc",
    });

    expect(result.steps[0]!.toolCalls[0]).toMatchObject({
      toolName: "lookup_order",
      input: { order_id: "ORD-42" },
    });
    expect(result.text).toBe("Order ORD-42 has shipped.");
    expect(result.totalUsage.inputTokens).toBe(130);
    expect(result.totalUsage.outputTokens).toBe(17);
    expect(result.usage.inputTokenDetails.cacheReadTokens).toBe(64);
    expect(providerCallStats().byProvider.openai).toBe(2);
  });
});

describe("anthropic messages", () => {
  it("sends the messages request and parses text, tool_use blocks and usage", async () => {
    const s = await server((req, res) => {
      if ((req.body.messages as Array<{ role: string; content: unknown }>).length === 1) {
        sendJson(res, 200, {
          id: "msg_1",
          type: "message",
          role: "assistant",
          model: "claude-3-5-haiku-20241022",
          content: [
            { type: "text", text: "Let me check that order." },
            { type: "tool_use", id: "toolu_1", name: "lookup_order", input: { order_id: "ORD-7" } },
          ],
          stop_reason: "tool_use",
          stop_sequence: null,
          usage: { input_tokens: 40, output_tokens: 12 },
        });
      } else {
        sendJson(res, 200, {
          id: "msg_2",
          type: "message",
          role: "assistant",
          model: "claude-3-5-haiku-20241022",
          content: [{ type: "text", text: "It has shipped." }],
          stop_reason: "end_turn",
          stop_sequence: null,
          usage: { input_tokens: 70, output_tokens: 5 },
        });
      }
    });
    const { model } = resolveModel(
      "anthropic:claude-3-5-haiku-20241022",
      { anthropic: { type: "anthropic", base_url: `${s.url}/v1` } },
      { ANTHROPIC_API_KEY: KEY },
    );
    const result = await generateText({
      model,
      maxRetries: 0,
      temperature: 0,
      system: "Be helpful.",
      prompt: "Where is ORD-7?",
      tools: { lookup_order: lookupOrder },
      stopWhen: stepCountIs(3),
    });
    const first = s.requests[0]!;
    expect(first.path).toBe("/v1/messages");
    expect(first.headers["x-api-key"]).toBe(KEY);
    expect(first.body.model).toBe("claude-3-5-haiku-20241022");
    expect(first.body.temperature).toBe(0);
    expect(first.body.system).toEqual([{ type: "text", text: "Be helpful." }]);
    expect((first.body.tools as Array<{ name: string }>)[0]!.name).toBe("lookup_order");
    const followUp = s.requests[1]!.body.messages as Array<{ role: string; content: unknown }>;
    expect(JSON.stringify(followUp)).toContain('"tool_use_id":"toolu_1"');
    expect(result.steps[0]!.text).toBe("Let me check that order.");
    expect(result.steps[0]!.toolCalls[0]).toMatchObject({
      toolName: "lookup_order",
      input: { order_id: "ORD-7" },
    });
    expect(result.text).toBe("It has shipped.");
    expect(result.totalUsage.inputTokens).toBe(110);
    expect(result.totalUsage.outputTokens).toBe(17);
  });
});

describe("ollama /api/chat", () => {
  it("posts to /api/chat and parses text and token counts", async () => {
    const s = await server((_req, res) => {
      sendJson(res, 200, {
        model: "llama3.2",
        created_at: "2025-01-01T00:00:00Z",
        message: { role: "assistant", content: "Hello from llama." },
        done: true,
        done_reason: "stop",
        prompt_eval_count: 21,
        eval_count: 6,
      });
    });
    const { model } = resolveModel(
      "ollama:llama3.2",
      { ollama: { type: "ollama", base_url: s.url } },
      {},
    );
    const result = await generateText({
      model,
      maxRetries: 0,
      temperature: 0.5,
      system: "Short answers.",
      prompt: "Say hello",
    });
    const req = s.requests[0]!;
    expect(req.path).toBe("/api/chat");
    expect(req.body.model).toBe("llama3.2");
    expect(req.body.messages).toEqual([
      { role: "system", content: "Short answers." },
      { role: "user", content: "Say hello" },
    ]);
    expect(JSON.stringify(req.body)).toContain('"temperature":0.5');
    expect(result.text).toBe("Hello from llama.");
    expect(result.usage.inputTokens).toBe(21);
    expect(result.usage.outputTokens).toBe(6);
  });
});

describe("openai-compatible", () => {
  it("uses the configured base_url and api_key_env", async () => {
    const s = await server((_req, res) =>
      sendJson(res, 200, {
        id: "x",
        object: "chat.completion",
        created: 1,
        model: "local-model",
        choices: [
          { index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" },
        ],
        usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
      }),
    );
    const { model } = resolveModel(
      "local:local-model",
      { local: { type: "openai-compatible", base_url: `${s.url}/v1`, api_key_env: "LOCAL_KEY" } },
      { LOCAL_KEY: KEY },
    );
    const result = await generateText({ model, maxRetries: 0, prompt: "hi" });
    expect(s.requests[0]!.path).toBe("/v1/chat/completions");
    expect(s.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(result.text).toBe("ok");
  });
});

describe("error classification over HTTP", () => {
  async function failingCall(handler: Parameters<typeof startServer>[0], signal?: AbortSignal) {
    const s = await server(handler);
    const { model } = resolveModel(
      "openai:gpt-4o-mini",
      { openai: { type: "openai", base_url: `${s.url}/v1` } },
      { OPENAI_API_KEY: KEY },
    );
    try {
      await generateText({
        model,
        maxRetries: 0,
        prompt: "hi",
        ...(signal ? { abortSignal: signal } : {}),
      });
    } catch (error) {
      return classifyProviderError(error);
    }
    throw new Error("expected the call to fail");
  }

  it("429 with Retry-After is a retryable rate limit with retryAfterMs", async () => {
    const c = await failingCall((_req, res) =>
      sendJson(
        res,
        429,
        { error: { message: "Rate limit reached", type: "rate_limit" } },
        { "retry-after": "7" },
      ),
    );
    expect(c).toMatchObject({
      class: "rate_limit",
      status: 429,
      retryAfterMs: 7000,
      retryable: true,
    });
  });

  it("500 is a retryable provider error", async () => {
    const c = await failingCall((_req, res) =>
      sendJson(res, 500, { error: { message: "internal", type: "server_error" } }),
    );
    expect(c).toMatchObject({ class: "provider_error", status: 500, retryable: true });
  });

  it("401 messages never carry the key", async () => {
    const c = await failingCall((_req, res) =>
      sendJson(res, 401, {
        error: { message: `Incorrect API key provided: ${KEY}. Authorization: Bearer ${KEY}` },
      }),
    );
    expect(c.class).toBe("provider_error");
    expect(c.retryable).toBe(false);
    expect(c.message).not.toContain(KEY);
    expect(c.message).not.toContain("0123456789abcdef");
  });

  it("an aborted hanging request is a timeout", async () => {
    const controller = new AbortController();
    const c = await failingCall(() => {
      // Never answer; abort once the request has arrived.
      controller.abort();
    }, controller.signal);
    expect(c.class).toBe("timeout");
  });
});

describe("response cache", () => {
  it("serves a repeat from the store, misses on a new temperature and after the TTL", async () => {
    let hits = 0;
    const s = await server((_req, res) => {
      hits += 1;
      sendJson(res, 200, {
        id: `c${hits}`,
        object: "chat.completion",
        created: 1,
        model: "gpt-4o-mini",
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: `answer ${hits}` },
            finish_reason: "stop",
          },
        ],
        usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
      });
    });
    let now = 1_000_000;
    const store = new MemoryCacheStore();
    const { model } = resolveModel(
      "openai:gpt-4o-mini",
      { openai: { type: "openai", base_url: `${s.url}/v1` } },
      { OPENAI_API_KEY: KEY },
      { cache: { store, ttlMs: 60_000, now: () => now } },
    );
    resetCacheStats();
    const call = (temperature: number) =>
      generateText({ model, maxRetries: 0, prompt: "cache me", temperature });

    const first = await call(0);
    const second = await call(0);
    expect(hits).toBe(1);
    expect(second.text).toBe(first.text);
    expect(second.providerMetadata?.ratchet?.cached).toBe(true);
    expect(first.providerMetadata?.ratchet?.cached).toBeUndefined();
    expect(second.usage.inputTokens).toBe(5);

    await call(0.7);
    expect(hits).toBe(2);

    now += 61_000;
    const expired = await call(0);
    expect(hits).toBe(3);
    expect(expired.text).toBe("answer 3");
    expect(cacheStats()).toMatchObject({ hits: 1, misses: 3, writes: 3 });
    // The stored request never includes the key.
    expect(JSON.stringify([...store.entries.values()])).not.toContain(KEY);
  });

  it("does not store failed calls and honours noCache", async () => {
    let hits = 0;
    const s = await server((_req, res) => {
      hits += 1;
      if (hits === 1) return sendJson(res, 500, { error: { message: "boom" } });
      sendJson(res, 200, {
        id: "ok",
        object: "chat.completion",
        created: 1,
        model: "m",
        choices: [
          { index: 0, message: { role: "assistant", content: "fine" }, finish_reason: "stop" },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      });
    });
    const store = new MemoryCacheStore();
    const settings = { openai: { type: "openai" as const, base_url: `${s.url}/v1` } };
    const { model } = resolveModel(
      "openai:m",
      settings,
      { OPENAI_API_KEY: KEY },
      { cache: { store } },
    );
    await expect(generateText({ model, maxRetries: 0, prompt: "x" })).rejects.toThrow();
    expect(store.entries.size).toBe(0);
    await generateText({ model, maxRetries: 0, prompt: "x" });
    expect(store.entries.size).toBe(1);

    const uncached = resolveModel(
      "openai:m",
      settings,
      { OPENAI_API_KEY: KEY },
      {
        cache: { store, noCache: true },
      },
    ).model;
    await generateText({ model: uncached, maxRetries: 0, prompt: "x" });
    expect(hits).toBe(3);
  });

  it("caches streams and replays them", async () => {
    const { streamText } = await import("ai");
    let hits = 0;
    const s = await server((_req, res) => {
      hits += 1;
      res.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = (delta: Record<string, unknown>, finish: string | null) =>
        `data: ${JSON.stringify({
          id: "s1",
          object: "chat.completion.chunk",
          created: 1,
          model: "gpt-4o-mini",
          choices: [{ index: 0, delta, finish_reason: finish }],
        })}\n\n`;
      res.write(chunk({ role: "assistant", content: "Hel" }, null));
      res.write(chunk({ content: "lo" }, null));
      res.write(chunk({}, "stop"));
      res.write(
        `data: ${JSON.stringify({
          id: "s1",
          object: "chat.completion.chunk",
          created: 1,
          model: "gpt-4o-mini",
          choices: [],
          usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 },
        })}\n\n`,
      );
      res.end("data: [DONE]\n\n");
    });
    const store = new MemoryCacheStore();
    const { model } = resolveModel(
      "openai:gpt-4o-mini",
      { openai: { type: "openai", base_url: `${s.url}/v1` } },
      { OPENAI_API_KEY: KEY },
      { cache: { store } },
    );
    const first = streamText({ model, maxRetries: 0, prompt: "stream" });
    expect(await first.text).toBe("Hello");
    const second = streamText({ model, maxRetries: 0, prompt: "stream" });
    expect(await second.text).toBe("Hello");
    expect((await second.providerMetadata)?.ratchet?.cached).toBe(true);
    expect((await second.usage).outputTokens).toBe(2);
    expect(hits).toBe(1);
  });
});
