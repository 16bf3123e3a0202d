import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createJudgeRuntime } from "./runtime.js";

/** A local server speaking OpenAI chat completions; `reply(prompt, n)` gives the n-th answer. */
export async function openAiServer(reply: (prompt: string, n: number) => string) {
  const prompts: string[] = [];
  const server = createServer((req, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        messages: Array<{ role: string; content: string }>;
      };
      const prompt = body.messages
        .filter((m) => m.role === "user")
        .map((m) => m.content)
        .join("\n");
      prompts.push(prompt);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: `chatcmpl-${prompts.length}`,
          object: "chat.completion",
          created: 1,
          model: "gpt-4o-mini",
          choices: [
            {
              index: 0,
              message: { role: "assistant", content: reply(prompt, prompts.length) },
              finish_reason: "stop",
            },
          ],
          usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    prompts,
    model: createJudgeRuntime({
      providers: { local: { type: "openai", base_url: `http://127.0.0.1:${port}/v1` } },
      env: { OPENAI_API_KEY: "sk-test-not-real" },
    }).model("local:gpt-4o-mini"),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
