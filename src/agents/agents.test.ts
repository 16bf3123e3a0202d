import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ToolFixture } from "../config/index.js";
import { createUserCodeHost } from "../core/index.js";
import { resolveModels } from "../providers/index.js";
import {
  AgentError,
  createExecAgent,
  createModuleAgent,
  createPromptAgent,
  MockToolbox,
  renderTemplate,
} from "./index.js";
import { type Case, GENAI, priceFree } from "./test-support.js";

const refundTools: ToolFixture[] = [
  {
    name: "lookup_order",
    description: "Look up an order",
    parameters: {
      type: "object",
      properties: { order_id: { type: "string" } },
      required: ["order_id"],
    },
    responses: [
      { when: { order_id: "ORD-1" }, result: { status: "delivered" }, effects: [] },
      { default: true, error: "order not found", effects: [] },
    ],
    side_effect: false,
  },
  {
    name: "issue_refund",
    description: "Refund an order",
    parameters: {
      type: "object",
      properties: { order_id: { type: "string" } },
      required: ["order_id"],
    },
    responses: [
      {
        when_regex: { order_id: "^ORD-\\d+$" },
        result: { refund_id: "RF-1" },
        effects: [{ effect: "refund.issued" }],
      },
    ],
    side_effect: true,
  },
];

function makeCase(overrides: Partial<Case> = {}): Case {
  return {
    id: "c1",
    input: "Refund ORD-1 please",
    assertions: [],
    tags: [],
    severity: "warning",
    ...overrides,
  };
}

describe("MockToolbox", () => {
  it("keeps the calls asked for apart from the effects that happened", () => {
    const box = new MockToolbox(refundTools);
    expect(box.call("a", "lookup_order", { order_id: "ORD-1" })).toMatchObject({
      result: { status: "delivered" },
      isError: false,
    });
    expect(box.call("b", "lookup_order", { order_id: "X" })).toMatchObject({
      result: { error: "order not found" },
      isError: true,
    });
    expect(box.call("c", "issue_refund", { order_id: "bad id" })).toMatchObject({ isError: true });
    expect(box.call("d", "issue_refund", { order_id: "ORD-1" })).toMatchObject({
      result: { refund_id: "RF-1" },
    });
    expect(box.call("e", "send_email", {})).toMatchObject({ isError: true });
    expect(box.calls.map((call) => call.name)).toEqual([
      "lookup_order",
      "lookup_order",
      "issue_refund",
      "issue_refund",
      "send_email",
    ]);
    // Only the refund that matched a fixture changed the mocked world.
    expect(box.effects).toEqual([
      { tool: "issue_refund", effect: "refund.issued", data: { order_id: "ORD-1" } },
    ]);
  });
});

describe("renderTemplate", () => {
  it("fills whole values with their JSON type and strings inside text", () => {
    const rendered = renderTemplate(
      {
        q: "{{input}}",
        id: "{{case.id}}",
        order: "{{context.order}}",
        note: "case {{case.id}} epoch {{epoch}}",
      },
      makeCase({ context: { order: { id: 7 } } }),
      2,
    );
    expect(rendered).toEqual({
      q: "Refund ORD-1 please",
      id: "c1",
      order: { id: 7 },
      note: "case c1 epoch 2",
    });
  });
});

describe("prompt agent on the sim model", () => {
  it("runs the tool loop and records GenAI spans, usage and cost", async () => {
    const [model] = resolveModels(
      ["sim:support"],
      { sim: { type: "sim", latency_ms: 0, flake_rate: 0 } },
      {},
    );
    if (!model) throw new Error("no model");
    const agent = createPromptAgent({
      name: "support",
      model: {
        spec: model.spec,
        provider: model.provider,
        modelId: model.modelId,
        model: model.model,
        price: priceFree,
      },
      systemPrompt: "Always use the tools. Call issue_refund to refund eligible orders.",
      tools: refundTools,
      maxSteps: 5,
      temperature: 0,
    });
    const testCase = makeCase({
      expected: {
        output: "I've issued a refund for ORD-1.",
        tool_calls: [
          { name: "lookup_order", arguments: { order_id: "ORD-1" } },
          { name: "issue_refund", arguments: { order_id: "ORD-1" } },
        ],
      },
    });
    const result = await agent.run({
      case: testCase,
      epoch: 0,
      seed: 1,
      runId: "run_x",
      signal: new AbortController().signal,
    });
    expect(result.tool_calls.map((call) => call.name)).toEqual(["lookup_order", "issue_refund"]);
    expect(result.side_effects.map((effect) => effect.effect)).toEqual(["refund.issued"]);
    expect(result.steps).toBe(3);
    expect(result.usage.input_tokens).toBeGreaterThan(0);
    const names = result.spans.map((span) => span.name);
    expect(names[0]).toBe("invoke_agent support");
    expect(names.filter((name) => name === "chat support")).toHaveLength(3);
    expect(names).toContain("execute_tool lookup_order");
    expect(names).toContain("execute_tool issue_refund");
    const root = result.spans[0];
    for (const span of result.spans.slice(1)) expect(span.parent_span_id).toBe(root?.span_id);
    const chat = result.spans.find((span) => span.name.startsWith("chat"));
    expect(chat?.attributes[GENAI.operation]).toBe("chat");
    expect(chat?.attributes[GENAI.inputTokens]).toBeGreaterThan(0);
    const tool = result.spans.find((span) => span.name === "execute_tool issue_refund");
    expect(JSON.parse(String(tool?.attributes[GENAI.toolArguments]))).toEqual({
      order_id: "ORD-1",
    });
  });
});

describe("exec and module agents", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ratchet-agents-"));
    await writeFile(
      join(dir, "agent.mjs"),
      `let data = "";
process.stdin.on("data", (c) => (data += c));
process.stdin.on("end", () => {
  const req = JSON.parse(data);
  if (req.input === "crash") { console.error("boom: cannot answer"); process.exit(3); }
  process.stdout.write(JSON.stringify({ output: "echo: " + req.input, tool_calls: [{ name: "t", arguments: "{\\"a\\":1}" }], usage: { input_tokens: 5, output_tokens: 2 } }));
});`,
    );
    await writeFile(
      join(dir, "agent.ts"),
      `export default async function (request: { input: string; epoch: number }): Promise<{ output: string }> {
  return { output: \`ts \${request.input} #\${request.epoch}\` };
}
export const notAFunction = 42;`,
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("exec: JSON on stdin and stdout, exit codes become agent errors with stderr", async () => {
    const agent = createExecAgent({
      command: process.execPath,
      args: [join(dir, "agent.mjs")],
      env: {},
    });
    const ok = await agent.run({
      case: makeCase({ input: "hi" }),
      epoch: 0,
      seed: 1,
      runId: "r",
      signal: new AbortController().signal,
    });
    expect(ok.output).toBe("echo: hi");
    expect(ok.tool_calls).toEqual([{ id: "call_0", name: "t", arguments: { a: 1 } }]);
    expect(ok.usage).toEqual({ input_tokens: 5, output_tokens: 2 });
    await expect(
      agent.run({
        case: makeCase({ input: "crash" }),
        epoch: 0,
        seed: 1,
        runId: "r",
        signal: new AbortController().signal,
      }),
    ).rejects.toThrow(/exited with 3: boom: cannot answer/);
  });

  it("exec: an abort kills the process", async () => {
    await writeFile(join(dir, "hang.mjs"), "setInterval(() => {}, 1000);");
    const agent = createExecAgent({
      command: process.execPath,
      args: [join(dir, "hang.mjs")],
      env: {},
    });
    const controller = new AbortController();
    const running = agent.run({
      case: makeCase(),
      epoch: 0,
      seed: 1,
      runId: "r",
      signal: controller.signal,
    });
    controller.abort(new Error("stop"));
    await expect(running).rejects.toThrow("stop");
  });

  it("module: a TypeScript default export is the agent; a non-function export is an input error", async () => {
    const agent = await createModuleAgent(join(dir, "agent.ts"));
    const result = await agent.run({
      case: makeCase({ input: "q" }),
      epoch: 3,
      seed: 1,
      runId: "r",
      signal: new AbortController().signal,
    });
    expect(result.output).toBe("ts q #3");
    await expect(createModuleAgent(join(dir, "agent.ts"), "notAFunction")).rejects.toThrow(
      /is not a function/,
    );
    await expect(createModuleAgent(join(dir, "missing.ts"))).rejects.toThrow(
      /cannot load agent module/,
    );
  });

  it("module: an agent that never yields is stopped after its abort; process.exit fails only its attempt", async () => {
    await writeFile(
      join(dir, "rogue.ts"),
      `export function spins(): never { for (;;) {} }
export async function spinsAfterAwait(): Promise<never> {
  await new Promise((resolve) => setTimeout(resolve, 1));
  for (;;) {}
}
export function exits(): never { process.exit(3); }
export async function throws(): Promise<never> {
  throw Object.assign(new Error("upstream said slow down"), { status: 429 });
}
export async function answers(request: { input: string }): Promise<string> {
  return "answer to " + request.input;
}`,
    );
    // One worker at most: a stuck worker left in the pool would hang the next call.
    const host = createUserCodeHost({ maxWorkersPerModule: 1 });
    const run = async (exportName: string, abort?: Error) => {
      const agent = await createModuleAgent(join(dir, "rogue.ts"), exportName, host);
      const controller = new AbortController();
      const running = agent.run({
        case: makeCase({ input: "q" }),
        epoch: 0,
        seed: 1,
        runId: "r",
        signal: controller.signal,
      });
      if (abort) controller.abort(abort);
      return running;
    };
    try {
      for (const name of ["spins", "spinsAfterAwait"]) {
        const timeout = new Error("attempt timed out after 50 ms");
        await expect(run(name, timeout)).rejects.toBe(timeout);
        // It ignored its signal: its worker is terminated, and the next attempt gets a new one.
        await vi.waitFor(() => expect(host.workers()).toBe(0), { timeout: 60_000, interval: 20 });
        expect((await run("answers")).output).toBe("answer to q");
      }
      const exited = run("exits");
      await expect(exited).rejects.toThrow(
        "process.exit(3) was called in " +
          join(dir, "rogue.ts") +
          "; user code must return or throw, not exit",
      );
      await expect(exited).rejects.toBeInstanceOf(AgentError);
      // The agent's own error keeps its message, and a status the runner can classify.
      await expect(run("throws")).rejects.toMatchObject({
        message: "upstream said slow down",
        status: 429,
      });
      expect((await run("answers")).output).toBe("answer to q");
    } finally {
      await host.close();
    }
  });
});
