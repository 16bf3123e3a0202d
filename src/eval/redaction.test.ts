import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Attempt } from "../core/index.js";
import { type RecordedRequest, sendJson, startServer } from "../providers/test-helpers.js";
import { EXTENSION_FORMATS, writeReport } from "../report/index.js";
import { openSqliteStore } from "../store/index.js";
import { runEvaluation } from "./index.js";

/** A key no built-in rule recognizes: only knowing the value masks it. */
const KEY = "lk-live-7Hq2Zx9Wm4Rt8Vb3Nc6Yd1";
const PASSWORD = "Tr0ub4dor-plain-77";
const EMAIL = "olivia.martin+vip@example-corp.com";
/** Kept on purpose: proves the searches below look at the text that was stored. */
const MARKER = "marker-visible-3b9c";

/**
 * OpenAI chat completions: first a tool call whose arguments hold a password and the key it
 * was sent, then an answer echoing the Authorization header and an e-mail address.
 */
function echoingModel(request: RecordedRequest, res: Parameters<typeof sendJson>[0]): void {
  const key = String(request.headers.authorization).replace(/^Bearer /, "");
  const messages = request.body.messages as Array<{ role: string }>;
  const sawTool = messages.some((m) => m.role === "tool");
  const message = sawTool
    ? { role: "assistant", content: `${MARKER} your key is ${key}, mail ${EMAIL}` }
    : {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_1",
            type: "function",
            function: {
              name: "login",
              arguments: JSON.stringify({ user: "bob", password: PASSWORD, note: key }),
            },
          },
        ],
      };
  sendJson(res, 200, {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1_700_000_000,
    model: request.body.model,
    choices: [{ index: 0, message, finish_reason: sawTool ? "stop" : "tool_calls" }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  });
}

const CONFIG = (url: string) => `pipeline:
  name: leak
agent:
  model: local:echo-1
  system_prompt: Answer.
  tools:
    - name: login
      parameters: {type: object, properties: {user: {type: string}, password: {type: string}, note: {type: string}}}
      responses:
        - default: true
          result: {ok: true, session: "s-88213-abcdef"}
providers:
  local:
    type: openai-compatible
    base_url: ${url}/v1
    api_key_env: LOCAL_LLM_KEY
evaluation:
  suites: [suite.yaml]
`;

const SUITE = `cases:
  - id: echo
    input: "log me in"
    assertions:
      - {type: contains, value: "${KEY}"}
      - {type: not-contains, value: "${KEY}"}
      - {type: no-pii}
`;

describe("a model that echoes its API key", () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    server = await startServer(echoingModel);
    dir = await mkdtemp(join(tmpdir(), "ratchet-echo-"));
    await writeFile(join(dir, "ratchet.yaml"), CONFIG(server.url));
    await writeFile(join(dir, "suite.yaml"), SUITE);
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("is graded on the raw text, and neither the store nor any report holds the key", async () => {
    const result = await runEvaluation({ cwd: dir, env: { LOCAL_LLM_KEY: KEY } });
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);

    const store = await openSqliteStore(join(dir, ".ratchet", "ratchet.db"));
    const attempts: Attempt[] = [];
    try {
      for await (const a of store.iterateAttempts(result.run.id)) attempts.push(a);
      const [attempt] = attempts;
      // Graders saw the key and the e-mail: `contains` passed, the leak checks failed.
      expect(attempt?.scores.map((s) => [s.grader, s.passed])).toEqual([
        ["contains", true],
        ["not-contains", false],
        ["no-pii", false],
      ]);
      expect(attempt?.status).toBe("failed");
      // What is stored is redacted: output, tool arguments and results, messages, reasons.
      expect(attempt?.output).toBe(`${MARKER} your key is <SECRET>, mail <EMAIL>`);
      expect(attempt?.tool_calls[0]?.arguments).toEqual({
        user: "bob",
        password: "<SECRET>",
        note: "<SECRET>",
      });
      expect(attempt?.scores[1]?.reason).toContain("<SECRET>");
      const toolMessage = attempt?.messages.find((m) => m.role === "tool");
      expect(toolMessage?.content).toContain('"session":"<SECRET>"');

      for (const [extension] of Object.entries(EXTENSION_FORMATS)) {
        const path = join(dir, `report${extension}`);
        await writeReport(path, result.run, (selection) =>
          store.iterateAttempts(result.run.id, selection),
        );
      }
    } finally {
      await store.close();
    }
    const leaks = (what: string, text: string) => {
      // Each report shows the failed grader's reason, which quoted the key.
      expect(text, `${what} lost the reason`).toMatch(/forbidden .{0,12}(<|&lt;|\\u003c)SECRET/);
      for (const secret of [KEY, PASSWORD, EMAIL]) {
        expect(text.includes(secret), `${what} holds ${secret}`).toBe(false);
      }
    };
    leaks("stored attempt", JSON.stringify(attempts));
    for (const extension of Object.keys(EXTENSION_FORMATS)) {
      leaks(extension, await readFile(join(dir, `report${extension}`), "utf8"));
    }
    // The database files themselves (attempts, spans, the response cache), after close.
    const storeDir = join(dir, ".ratchet");
    const bytes = Buffer.concat(
      readdirSync(storeDir)
        .filter((f) => f.startsWith("ratchet.db"))
        .map((f) => readFileSync(join(storeDir, f))),
    );
    expect(bytes.includes(Buffer.from(MARKER))).toBe(true);
    for (const secret of [KEY, PASSWORD, EMAIL]) {
      expect(bytes.includes(Buffer.from(secret)), `database holds ${secret}`).toBe(false);
    }
  });
});
