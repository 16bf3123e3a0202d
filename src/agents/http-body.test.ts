// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings test `${VAR}` left literal in a body template
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config/index.js";
import { inputErrorOf, lineOf, tempDir } from "../config/testdata/helpers.js";
import type { Case } from "../core/index.js";
import { createHttpAgent } from "./index.js";

/** An endpoint that answers 400 to a body that is not JSON, as a real API would. */
const received: unknown[] = [];
const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    received.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
  } catch {
    res.writeHead(400, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "body is not JSON" }));
    return;
  }
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ output: "ok" }));
});
let url = "";

beforeAll(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;
});
afterAll(() => {
  server.close();
});

const tricky: Case = {
  id: "q1",
  input: 'He said "refund me"\nnow \\ please',
  context: { order: 1042, tags: ["a", "b"] },
  assertions: [],
  tags: [],
  severity: "warning",
};

describe("an HTTP agent whose body is a JSON string template", () => {
  it("JSON-encodes inserted values, inside and outside quotes, so the endpoint gets valid JSON", async () => {
    const agent = createHttpAgent({
      url,
      method: "POST",
      headers: {},
      body: '{"question": "{{input}}", "raw": {{input}}, "order": {{context.order}}, "tags": {{context.tags}}, "note": "epoch {{epoch}}"}',
      answerPath: "$.output",
    });
    const result = await agent.run({
      case: tricky,
      epoch: 2,
      seed: 0,
      runId: "run_t",
      signal: new AbortController().signal,
    });
    expect(result.output).toBe("ok");
    expect(received.at(-1)).toEqual({
      question: tricky.input,
      raw: tricky.input,
      order: 1042,
      tags: ["a", "b"],
      note: "epoch 2",
    });
  });

  it("refuses at config load a template that cannot be JSON, naming the line", async () => {
    const text = `agent:\n  kind: http\n  http:\n    url: ${url}\n    body: '{"question": "{{input}}",}'\n`;
    const dir = await tempDir({ "ratchet.yaml": text });
    const error = await inputErrorOf(() => loadConfig(join(dir, "ratchet.yaml")));
    expect(error.location).toMatchObject({ key: "agent.http.body", line: lineOf(text, "body:") });
    expect(error.message).toContain("must be JSON once values are inserted");
  });

  it("leaves a non-JSON body (another content type) as plain text", async () => {
    const dir = await tempDir({
      "ratchet.yaml": `agent:\n  kind: http\n  http:\n    url: ${url}\n    headers: { Content-Type: text/plain }\n    body: 'question: {{input}}'\n`,
    });
    const { config } = await loadConfig(join(dir, "ratchet.yaml"));
    expect(config.agent.http?.body).toBe("question: {{input}}");
  });

  it("accepts ${VAR} outside quotes in the config (expanded when the agent is built)", async () => {
    const dir = await tempDir({
      "ratchet.yaml": `agent:\n  kind: http\n  http:\n    url: ${url}\n    body: '{"q": "{{input}}", "n": \${LIMIT}}'\n`,
    });
    const { config } = await loadConfig(join(dir, "ratchet.yaml"), { env: { LIMIT: "3" } });
    expect(config.agent.http?.body).toContain("${LIMIT}");
  });
});
