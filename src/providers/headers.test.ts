import { generateText } from "ai";
import { afterEach, describe, expect, it } from "vitest";
import { InputError } from "../core/index.js";
import { redactSecrets, resolveModel } from "./index.js";
import { sendJson, startServer } from "./test-helpers.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

describe("provider headers", () => {
  it("expands env placeholders in headers at request time and scrubs the value from errors", async () => {
    const s = await startServer((_req, res) => {
      sendJson(res, 200, {
        id: "c1",
        object: "chat.completion",
        created: 1_700_000_000,
        model: "m",
        choices: [
          { index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      });
    });
    closers.push(s.close);
    const { model } = resolveModel(
      "gw:m",
      {
        gw: {
          type: "openai-compatible",
          base_url: `${s.url}/v1`,
          headers: { "x-gateway-key": `Key \${GW_TOKEN}`, "x-team": "evals" },
        },
      },
      { GW_TOKEN: "gw-secret-value-42" },
    );
    await generateText({ model, prompt: "hi", maxRetries: 0 });
    expect(s.requests[0]!.headers["x-gateway-key"]).toBe("Key gw-secret-value-42");
    expect(s.requests[0]!.headers["x-team"]).toBe("evals");
    expect(redactSecrets("echo: gw-secret-value-42")).not.toContain("gw-secret-value-42");
  });

  it("refuses a header variable that is not set, naming the header", () => {
    expect(() =>
      resolveModel(
        "gw:m",
        {
          gw: {
            type: "openai-compatible",
            base_url: "http://127.0.0.1:1/v1",
            headers: { "x-gateway-key": `\${GW_MISSING}` },
          },
        },
        {},
      ),
    ).toThrow(InputError);
  });
});
