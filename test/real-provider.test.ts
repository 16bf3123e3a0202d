import { once } from "node:events";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ratchet } from "./cli-helpers.js";

const KEY = "sk-test-ratchet-secret-0123456789abcdef";

interface ChatRequest {
  model: string;
  temperature?: number;
  messages: Array<{ role: string; content?: string | null; tool_calls?: unknown[] }>;
  tools?: Array<{ function: { name: string } }>;
}

/** Speaks OpenAI chat completions: first asks for lookup_order, then answers with text. */
async function startOpenAiServer(): Promise<{
  server: Server;
  url: string;
  requests: ChatRequest[];
  auth: string[];
}> {
  const requests: ChatRequest[] = [];
  const auth: string[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ChatRequest;
    requests.push(body);
    auth.push(String(req.headers.authorization));
    const sawTool = body.messages.some((message) => message.role === "tool");
    const message = sawTool
      ? {
          role: "assistant",
          content: "Your order ORD-1001 is shipped. Expected delivery: 2026-11-30.",
        }
      : {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_1",
              type: "function",
              function: { name: "lookup_order", arguments: '{"order_id":"ORD-1001"}' },
            },
          ],
        };
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id: `chatcmpl-${requests.length}`,
        object: "chat.completion",
        created: 1_700_000_000,
        model: body.model,
        choices: [{ index: 0, message, finish_reason: sawTool ? "stop" : "tool_calls" }],
        usage: { prompt_tokens: 120, completion_tokens: 20, total_tokens: 140 },
      }),
    );
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    auth,
  };
}

describe("the same suite on a real provider protocol", () => {
  let root: string;
  let project: string;
  let openai: Awaited<ReturnType<typeof startOpenAiServer>>;

  beforeAll(async () => {
    openai = await startOpenAiServer();
    root = await mkdtemp(join(tmpdir(), "ratchet-openai-"));
    expect((await ratchet(["init", "demo"], { cwd: root })).code).toBe(0);
    project = join(root, "demo");
    const config = join(project, "ratchet.yaml");
    const text = await readFile(config, "utf8");
    await writeFile(
      config,
      text.replace(
        "providers:\n",
        `providers:\n  openai:\n    type: openai\n    base_url: ${openai.url}\n`,
      ),
    );
  });
  afterAll(async () => {
    openai.server.close();
    await rm(root, { recursive: true, force: true });
  });

  it("runs through the AI SDK, prices the tokens, caches, and never stores the key", async () => {
    const args = [
      "eval",
      "--model",
      "openai:gpt-4o-mini",
      "--case",
      "order-status-1a",
      "--output",
      "r.json",
    ];
    const first = await ratchet(args, { cwd: project, env: { OPENAI_API_KEY: KEY } });
    expect(first.code, first.stderr).toBe(0);
    expect(openai.requests).toHaveLength(2);
    expect(openai.auth.every((header) => header === `Bearer ${KEY}`)).toBe(true);
    const [ask] = openai.requests;
    expect(ask?.model).toBe("gpt-4o-mini");
    expect(ask?.temperature).toBe(0);
    expect(ask?.messages[0]?.role).toBe("system");
    expect(ask?.tools?.map((tool) => tool.function.name)).toContain("lookup_order");

    const report = JSON.parse(await readFile(join(project, "r.json"), "utf8")) as {
      attempts: Array<{
        status: string;
        cost_usd: number;
        usage: { input_tokens: number };
        tool_calls: Array<{ name: string }>;
        scores: Array<{ details?: { judge_cost_usd?: number } }>;
      }>;
    };
    const [attempt] = report.attempts;
    expect(attempt?.status).toBe("passed");
    expect(attempt?.tool_calls.map((call) => call.name)).toEqual(["lookup_order"]);
    expect(attempt?.usage.input_tokens).toBe(240);
    // gpt-4o-mini list price from the example's cost.token_pricing: 0.15 / 0.60 per million,
    // plus what the example's judge (on sim:judge) cost to grade it.
    const judgeCost = (attempt?.scores ?? []).reduce(
      (sum, score) => sum + (score.details?.judge_cost_usd ?? 0),
      0,
    );
    expect(judgeCost).toBeGreaterThan(0);
    expect(attempt?.cost_usd).toBeCloseTo((240 * 0.15 + 40 * 0.6) / 1e6 + judgeCost, 12);

    const second = await ratchet(args, { cwd: project, env: { OPENAI_API_KEY: KEY } });
    expect(second.code).toBe(0);
    expect(openai.requests).toHaveLength(2); // served from the response cache
    const third = await ratchet([...args, "--no-cache"], {
      cwd: project,
      env: { OPENAI_API_KEY: KEY },
    });
    expect(third.code).toBe(0);
    expect(openai.requests).toHaveLength(4);

    for (const file of ["ratchet.db", "ratchet.db-wal"]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(project, ".ratchet", file));
      } catch {
        continue;
      }
      expect(bytes.includes(Buffer.from(KEY)), file).toBe(false);
    }
  });
});
