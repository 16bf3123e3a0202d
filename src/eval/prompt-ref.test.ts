import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inputErrorOf, lineOf, tempDir } from "../config/testdata/helpers.js";
import { addPrompt, hashPromptVersion, labelPrompt } from "../prompts/index.js";
import { sendJson, startServer } from "../providers/test-helpers.js";
import { openSqliteStore } from "../store/index.js";
import { runEvaluation } from "./index.js";

const CASES =
  '{"id":"a","input":"where is my order?","assertions":[{"type":"contains","value":"order"}]}\n' +
  '{"id":"b","input":"refund please","assertions":[{"type":"contains","value":"refund"}]}\n';

async function project(config: string): Promise<string> {
  return tempDir({ "ratchet.yaml": config, "cases.jsonl": CASES });
}

async function seed(dir: string, versions: Array<{ content: string; label?: string }>) {
  const store = await openSqliteStore(join(dir, ".ratchet/ratchet.db"));
  try {
    const hashes: string[] = [];
    for (const v of versions) {
      const added = await addPrompt(store, {
        name: "support",
        content: v.content,
        author: "test",
        actor: "test",
        ...(v.label ? { label: v.label } : {}),
      });
      hashes.push(added.version.hash);
    }
    return hashes;
  } finally {
    await store.close();
  }
}

/** The system message the prompt agent sent, from the stored attempts of a run. */
async function systemPrompts(dir: string, runId: string): Promise<Set<string>> {
  const store = await openSqliteStore(join(dir, ".ratchet/ratchet.db"));
  try {
    const seen = new Set<string>();
    for await (const attempt of store.iterateAttempts(runId)) {
      for (const message of attempt.messages) {
        if (message.role === "system") seen.add(String(message.content));
      }
    }
    return seen;
  } finally {
    await store.close();
  }
}

const BASE = "evaluation:\n  suites: [cases.jsonl]\n";

describe("evaluating a registry prompt", () => {
  it("runs champion and challenger by hash: two runs with their own prompt_version and text", async () => {
    const dir = await project(BASE);
    const [champion, challenger] = await seed(dir, [
      { content: "You are a support agent. Be brief.", label: "production" },
      { content: "You are a support agent. Mention the order and any refund." },
    ]);
    const a = await runEvaluation({ cwd: dir, prompt: `support@${champion}` });
    const b = await runEvaluation({ cwd: dir, prompt: `support@${challenger?.slice(0, 10)}` });
    expect(a.run.prompt_version).toBe(`support@${champion}`);
    expect(b.run.prompt_version).toBe(`support@${challenger}`);
    expect(a.run.prompt_version).not.toBe(b.run.prompt_version);
    expect(await systemPrompts(dir, a.run.id)).toEqual(
      new Set(["You are a support agent. Be brief."]),
    );
    expect(await systemPrompts(dir, b.run.id)).toEqual(
      new Set(["You are a support agent. Mention the order and any refund."]),
    );
  });

  it("reads `agent.system_prompt: support@production` from the config", async () => {
    const dir = await project(`agent:\n  system_prompt: support@production\n${BASE}`);
    const [production] = await seed(dir, [{ content: "Registry text.", label: "production" }]);
    const result = await runEvaluation({ cwd: dir });
    expect(result.run.prompt_version).toBe(`support@${production}`);
    expect(await systemPrompts(dir, result.run.id)).toEqual(new Set(["Registry text."]));
  });

  it("applies the version's settings over the agent config's", async () => {
    const dir = await project(BASE);
    const store = await openSqliteStore(join(dir, ".ratchet/ratchet.db"));
    const added = await addPrompt(store, {
      name: "support",
      content: "With a model.",
      settings: { model: "sim:analyst", temperature: 0.5 },
      author: "test",
    });
    await store.close();
    const result = await runEvaluation({ cwd: dir, prompt: `support@${added.version.hash}` });
    expect(result.run.models).toEqual(["sim:analyst"]);
    const snapshot = await openSqliteStore(join(dir, ".ratchet/ratchet.db"));
    try {
      for await (const attempt of snapshot.iterateAttempts(result.run.id)) {
        expect(attempt.variant).toBe("sim:analyst");
      }
    } finally {
      await snapshot.close();
    }
  });

  it("without a ref records the agent's own prompt by content, the version it becomes when registered", async () => {
    const dir = await project(`agent:\n  system_prompt: Plain text.\n${BASE}`);
    const result = await runEvaluation({ cwd: dir });
    // No identifier: the pipeline's name (default `default`) names the prompt.
    expect(result.run.prompt_version).toBe(`default@${hashPromptVersion("Plain text.")}`);
    expect(await systemPrompts(dir, result.run.id)).toEqual(new Set(["Plain text."]));
  });

  it("an unknown config reference names the line and says how to write literal text", async () => {
    const config = `agent:\n  system_prompt: suport@production\n${BASE}`;
    const dir = await project(config);
    await seed(dir, [{ content: "x", label: "production" }]);
    const error = await inputErrorOf(() => runEvaluation({ cwd: dir }));
    expect(error.location.file).toBe(join(dir, "ratchet.yaml"));
    expect(error.location.line).toBe(lineOf(config, "system_prompt"));
    expect(error.location.key).toBe("agent.system_prompt");
    expect(error.message).toContain("did you mean `support`");
    expect(error.message).toContain("block scalar");
    const store = await openSqliteStore(join(dir, ".ratchet/ratchet.db"));
    expect(await store.listRuns()).toEqual([]);
    await store.close();
  });

  it("an unknown label or hash in --prompt is bad input and stores no run", async () => {
    const dir = await project(BASE);
    await seed(dir, [{ content: "x", label: "production" }]);
    const label = await inputErrorOf(() =>
      runEvaluation({ cwd: dir, prompt: "support@prodution" }),
    );
    expect(label.message).toContain("did you mean `production`");
    expect(label.location.key).toBe("--prompt");
    const hash = await inputErrorOf(() =>
      runEvaluation({ cwd: dir, prompt: "support@abcdef0123" }),
    );
    expect(hash.message).toContain("no version of support has a hash starting with abcdef0123");
    const store = await openSqliteStore(join(dir, ".ratchet/ratchet.db"));
    expect(await store.listRuns()).toEqual([]);
    await store.close();
  });

  it("--prompt on an agent that is not a prompt agent is bad input", async () => {
    const dir = await project(`agent:\n  kind: exec\n  exec:\n    command: cat\n${BASE}`);
    await seed(dir, [{ content: "x", label: "production" }]);
    const error = await inputErrorOf(() => runEvaluation({ cwd: dir, prompt: "support" }));
    expect(error.location.key).toBe("--prompt");
    expect(error.message).toContain("this agent is `exec`");
  });

  it("a resumed run keeps the version it started with, even after the label moved", async () => {
    const dir = await project(`agent:\n  system_prompt: support@production\n${BASE}`);
    const [first, second] = await seed(dir, [
      { content: "First.", label: "production" },
      { content: "Second." },
    ]);
    const stop = new AbortController();
    stop.abort();
    const stopped = await runEvaluation({ cwd: dir, stopSignal: stop.signal });
    expect(stopped.run.status).toBe("interrupted");
    const store = await openSqliteStore(join(dir, ".ratchet/ratchet.db"));
    await labelPrompt(store, "support", second as string, "production", { actor: "test" });
    await store.close();
    const refused = await inputErrorOf(() =>
      runEvaluation({ cwd: dir, resume: stopped.run.id, prompt: "support" }),
    );
    expect(refused.message).toContain("drop --prompt");
    const resumed = await runEvaluation({ cwd: dir, resume: stopped.run.id });
    expect(resumed.run.prompt_version).toBe(`support@${first}`);
    expect(await systemPrompts(dir, resumed.run.id)).toEqual(new Set(["First."]));
  });

  it("sends the version's tool definitions and temperature to the model; mocked responses stay", async () => {
    const model = await startServer((request, res) => {
      const sawTool = (request.body.messages as Array<{ role: string }>).some(
        (m) => m.role === "tool",
      );
      sendJson(res, 200, {
        id: "c",
        object: "chat.completion",
        created: 1,
        model: request.body.model,
        choices: [
          {
            index: 0,
            message: sawTool
              ? { role: "assistant", content: "your order ships" }
              : {
                  role: "assistant",
                  content: null,
                  tool_calls: [
                    { id: "t1", type: "function", function: { name: "lookup", arguments: "{}" } },
                  ],
                },
            finish_reason: sawTool ? "stop" : "tool_calls",
          },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      });
    });
    try {
      const dir = await project(`agent:
  model: local:m
  tools:
    - name: lookup
      description: old description
      responses:
        - default: true
          result: {status: shipped}
providers:
  local:
    type: openai-compatible
    base_url: ${model.url}/v1
${BASE}`);
      const store = await openSqliteStore(join(dir, ".ratchet/ratchet.db"));
      const added = await addPrompt(store, {
        name: "support",
        content: "Use tools.",
        settings: {
          temperature: 0.7,
          tools: [{ name: "lookup", description: "find an order by id" }],
        },
        author: "t",
      });
      await store.close();
      const result = await runEvaluation({
        cwd: dir,
        prompt: `support@${added.version.hash}`,
        caseIds: ["a"],
      });
      const first = model.requests[0]?.body as {
        temperature: number;
        tools: Array<{ function: { name: string; description: string } }>;
      };
      expect(first.temperature).toBe(0.7);
      expect(first.tools.map((t) => [t.function.name, t.function.description])).toEqual([
        ["lookup", "find an order by id"],
      ]);
      // The fixture's mocked response answered the call.
      const second = (model.requests[1]?.body.messages ?? []) as Array<{
        role: string;
        content: string;
      }>;
      const toolMessage = second.find((m) => m.role === "tool");
      expect(toolMessage?.content).toContain("shipped");
      expect(result.run.prompt_version).toBe(`support@${added.version.hash}`);
    } finally {
      await model.close();
    }
  });
});
