import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateText, Output, stepCountIs, streamText, tool } from "ai";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Clock } from "../../core/index.js";
import { isInputError } from "../../core/index.js";
import {
  classifyProviderError,
  createSimModel,
  listSimProfiles,
  resolveModel,
  type SimCallReference,
  type SimProfileInput,
  simProviderOptions,
} from "../index.js";

type SimExpected = NonNullable<NonNullable<SimCallReference["case"]>["expected"]>;

const FAST = { sim: { type: "sim" as const, latency_ms: 0, flake_rate: 0 } };

function simOptions(
  c: {
    id: string;
    input: string;
    tags?: string[];
    expected?: SimExpected;
  },
  epoch = 0,
  seed = 1,
) {
  return simProviderOptions({ case: { tags: [], ...c }, epoch, seed });
}

/** A one-habit profile: the habit always fires unless cured. */
function oneHabit(overrides: Partial<SimProfileInput> = {}): SimProfileInput {
  return {
    name: "test",
    description: "test profile",
    context_budget_tokens: 50,
    flake_rate: 0,
    templates: [{ id: "fallback", answer: "I can help with that." }],
    habits: [
      {
        id: "prose_around_json",
        description: "prose around JSON",
        trigger: { when: ["json_answer"] },
        probability: 1,
        effect: { type: "wrap_json" },
        cure: { any_of: ["only json"] },
      },
    ],
    ...overrides,
  };
}

const jsonCase = {
  id: "report-1",
  input: "Summarise order ORD-9 as JSON",
  expected: { json: { order_id: "ORD-9", status: "shipped" } },
};

describe("sim: determinism", () => {
  it("gives identical output for the same seed, case and epoch, across model instances", async () => {
    const run = async () => {
      const { model } = resolveModel("sim:support", { sim: { type: "sim", latency_ms: 0 } }, {});
      const outputs: string[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await generateText({
          model,
          maxRetries: 0,
          system: "You are a support agent.",
          prompt: `Case ${i}: where is ORD-${100 + i}? Reach me at a${i}@example.com`,
          providerOptions: simOptions({
            id: `c${i}`,
            input: `Where is ORD-${100 + i}? Reach me at a${i}@example.com`,
            expected: { output: `Order ORD-${100 + i} shipped on 2024-05-0${(i % 9) + 1}.` },
          }),
        });
        outputs.push(r.text);
      }
      return outputs;
    };
    const a = await run();
    const b = await run();
    expect(b).toEqual(a);
    // Habits do fire somewhere in 20 cases, otherwise this test proves nothing.
    expect(
      a.some((t, i) => !t.startsWith(`Order ORD-${100 + i} shipped on 2024`) || t.length > 60),
    ).toBe(true);
  });

  it("varies across epochs", async () => {
    const { model } = resolveModel("sim:support", FAST, {});
    const texts = new Set<string>();
    for (let epoch = 0; epoch < 12; epoch++) {
      const r = await generateText({
        model,
        maxRetries: 0,
        prompt: "Where is ORD-5?",
        providerOptions: simOptions(
          { id: "e", input: "Where is ORD-5?", expected: { output: "Shipped on 2024-01-02." } },
          epoch,
        ),
      });
      texts.add(r.text);
    }
    expect(texts.size).toBeGreaterThan(1);
  });
});

describe("sim: habits and cures", () => {
  it("wraps JSON in prose unless the system prompt says only JSON", async () => {
    const model = createSimModel(oneHabit(), { latencyMs: 0 });
    const sick = await generateText({
      model,
      maxRetries: 0,
      system: "You are a reporting assistant.",
      prompt: jsonCase.input,
      providerOptions: simOptions(jsonCase),
    });
    expect(sick.text.startsWith("Sure! Here")).toBe(true);
    expect(() => JSON.parse(sick.text)).toThrow();

    const cured = await generateText({
      model,
      maxRetries: 0,
      system: "You are a reporting assistant. Respond with ONLY JSON.",
      prompt: jsonCase.input,
      providerOptions: simOptions(jsonCase),
    });
    expect(JSON.parse(cured.text)).toEqual(jsonCase.expected.json);
  });

  it("ignores a cure placed beyond the context budget", async () => {
    const model = createSimModel(oneHabit(), { latencyMs: 0 });
    const filler =
      "Our company values friendly, accurate and timely service for every customer. ".repeat(8);
    expect(countTokens(filler)).toBeGreaterThan(50);
    const late = await generateText({
      model,
      maxRetries: 0,
      system: `${filler}Respond with only JSON.`,
      prompt: jsonCase.input,
      providerOptions: simOptions(jsonCase),
    });
    expect(late.text.startsWith("Sure! Here")).toBe(true);
    const early = await generateText({
      model,
      maxRetries: 0,
      system: `Respond with only JSON. ${filler}`,
      prompt: jsonCase.input,
      providerOptions: simOptions(jsonCase),
    });
    expect(JSON.parse(early.text)).toEqual(jsonCase.expected.json);
  });

  it("bundled support profile: dates and leaks are cured by the instructions a grader's evidence suggests", async () => {
    const { model } = resolveModel("sim:support", FAST, {});
    const ask = async (system: string, i: number) =>
      generateText({
        model,
        maxRetries: 0,
        system,
        prompt: "When will my refund arrive? I'm jo@example.com",
        providerOptions: simOptions({
          id: `r${i}`,
          input: "When will my refund arrive? I'm jo@example.com",
          expected: { output: "Your refund will arrive by 2024-06-30." },
        }),
      });
    let usDates = 0;
    let leaks = 0;
    for (let i = 0; i < 40; i++) {
      const r = await ask("You are a support agent.", i);
      if (r.text.includes("06/30/2024")) usDates++;
      if (r.text.includes("jo@example.com")) leaks++;
    }
    expect(usDates).toBeGreaterThan(0);
    expect(leaks).toBeGreaterThan(0);
    for (let i = 0; i < 40; i++) {
      const r = await ask(
        "You are a support agent. Write dates in ISO 8601 (YYYY-MM-DD). Never reveal a customer's e-mail address or phone number.",
        i,
      );
      expect(r.text).not.toContain("06/30/2024");
      expect(r.text).not.toContain("jo@example.com");
    }
  });
});

describe("sim: tool calls", () => {
  const calls: string[] = [];
  const tools = {
    lookup_order: tool({
      description: "Look up an order",
      inputSchema: z.object({ order_id: z.string() }),
      execute: async ({ order_id }) => {
        calls.push(`lookup_order:${order_id}`);
        return { order_id, status: "delivered", email: "kim@example.com" };
      },
    }),
    issue_refund: tool({
      description: "Refund an order",
      inputSchema: z.object({ order_id: z.string(), amount: z.number() }),
      execute: async ({ order_id, amount }) => {
        calls.push(`issue_refund:${order_id}:${amount}`);
        return { ok: true };
      },
    }),
  };

  it("emits the expected calls in order, then the reference answer", async () => {
    calls.length = 0;
    const model = createSimModel(oneHabit({ habits: [] }), { latencyMs: 0 });
    const result = await generateText({
      model,
      maxRetries: 0,
      prompt: "Refund ORD-1",
      tools,
      stopWhen: stepCountIs(5),
      providerOptions: simOptions({
        id: "t1",
        input: "Refund ORD-1",
        expected: {
          tool_calls: [
            { name: "lookup_order", arguments: { order_id: "ORD-1" } },
            { name: "issue_refund", arguments: { order_id: "ORD-1", amount: 20 } },
          ],
          output: "Refunded 20 USD for ORD-1.",
        },
      }),
    });
    expect(calls).toEqual(["lookup_order:ORD-1", "issue_refund:ORD-1:20"]);
    expect(result.steps.map((s) => s.toolCalls.map((c) => c.toolName))).toEqual([
      ["lookup_order"],
      ["issue_refund"],
      [],
    ]);
    expect(result.text).toBe("Refunded 20 USD for ORD-1.");
  });

  it("does not call a tool that is not offered", async () => {
    const model = createSimModel(oneHabit({ habits: [] }), { latencyMs: 0 });
    const result = await generateText({
      model,
      maxRetries: 0,
      prompt: "Refund ORD-1",
      tools: { lookup_order: tools.lookup_order },
      stopWhen: stepCountIs(5),
      providerOptions: simOptions({
        id: "t2",
        input: "Refund ORD-1",
        expected: {
          tool_calls: [{ name: "issue_refund", arguments: { order_id: "ORD-1", amount: 20 } }],
          output: "Done.",
        },
      }),
    });
    expect(result.steps).toHaveLength(1);
    expect(result.text).toBe("Done.");
  });

  it("mangles an order id argument (support habit) unless told to keep it verbatim", async () => {
    const { model } = resolveModel("sim:support", FAST, {});
    const argsFor = async (system: string, i: number) => {
      const r = await generateText({
        model,
        maxRetries: 0,
        system,
        prompt: `Status of ORD-77${i}?`,
        tools: { lookup_order: tools.lookup_order },
        providerOptions: simOptions({
          id: `m${i}`,
          input: `Status of ORD-77${i}?`,
          expected: {
            tool_calls: [{ name: "lookup_order", arguments: { order_id: `ORD-77${i}` } }],
          },
        }),
      });
      return r.steps[0]!.toolCalls[0]?.input as { order_id: string } | undefined;
    };
    let stripped = 0;
    for (let i = 0; i < 30; i++) {
      const input = await argsFor("Help customers.", i);
      if (input && input.order_id === `77${i}`) stripped++;
    }
    expect(stripped).toBeGreaterThan(0);
    for (let i = 0; i < 30; i++) {
      const input = await argsFor(
        "Help customers. Always call lookup_order first, and pass the order ID exactly as given, including the ORD- prefix.",
        i,
      );
      expect(input?.order_id).toBe(`ORD-77${i}`);
    }
  });

  it("answers production traffic without a reference from templates", async () => {
    calls.length = 0;
    const { model } = resolveModel("sim:support", FAST, {});
    const result = await generateText({
      model,
      maxRetries: 0,
      system: "Be concise. Always use the tools before answering. Pass order IDs exactly as given.",
      prompt: "Hi, where is my order ORD-555?",
      tools,
      stopWhen: stepCountIs(4),
    });
    expect(calls).toEqual(["lookup_order:ORD-555"]);
    expect(result.text).toContain("delivered");
  });
});

describe("sim: usage, latency, flakes, abort, streaming", () => {
  it("counts tokens with the o200k tokenizer", async () => {
    const model = createSimModel(oneHabit({ habits: [] }), { latencyMs: 0 });
    const c = {
      id: "u",
      input: "Hello there",
      expected: { output: "General Kenobi, how can I help?" },
    };
    const base = await generateText({
      model,
      maxRetries: 0,
      system: "Short system prompt.",
      prompt: c.input,
      providerOptions: simOptions(c),
    });
    expect(base.usage.outputTokens).toBe(countTokens("General Kenobi, how can I help?"));
    const promptTokens = countTokens("Short system prompt.") + countTokens("Hello there");
    expect(base.usage.inputTokens).toBeGreaterThanOrEqual(promptTokens);
    expect(base.usage.inputTokens! - promptTokens).toBeLessThan(10);

    const extra = " Please answer politely and include the order number where relevant.";
    const longer = await generateText({
      model,
      maxRetries: 0,
      system: `Short system prompt.${extra}`,
      prompt: c.input,
      providerOptions: simOptions(c),
    });
    expect(longer.usage.inputTokens! - base.usage.inputTokens!).toBe(
      countTokens(`Short system prompt.${extra}`) - countTokens("Short system prompt."),
    );
  });

  it("never waits when latency is 0 and waits a seeded amount otherwise", async () => {
    const waits: number[] = [];
    const clock: Clock = {
      now: () => 0,
      sleep: async (ms) => {
        waits.push(ms);
      },
    };
    const c = { id: "l", input: "hi", expected: { output: "hello" } };
    const zero = createSimModel("support", { latencyMs: 0, clock });
    await generateText({
      model: zero,
      maxRetries: 0,
      prompt: "hi",
      providerOptions: simOptions(c),
    });
    expect(waits).toEqual([]);

    const profiled = createSimModel("support", { clock, flakeRate: 0 });
    await generateText({
      model: profiled,
      maxRetries: 0,
      prompt: "hi",
      providerOptions: simOptions(c),
    });
    await generateText({
      model: profiled,
      maxRetries: 0,
      prompt: "hi",
      providerOptions: simOptions(c),
    });
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThan(0);
    expect(waits[1]).toBe(waits[0]);
  });

  it("flake rate roughly matches over many cases", async () => {
    const profile = oneHabit({
      flake_rate: 0.1,
      habits: [
        {
          id: "never_on_its_own",
          description: "only fires as a flake",
          probability: 0,
          effect: { type: "append", text: "[flaked]" },
          cure: { any_of: ["cured"] },
        },
      ],
    });
    const model = createSimModel(profile, { latencyMs: 0 });
    const n = 1000;
    let flaked = 0;
    for (let i = 0; i < n; i++) {
      const r = await model.doGenerate({
        prompt: [
          { role: "system", content: "cured" },
          { role: "user", content: [{ type: "text", text: "hi" }] },
        ],
        providerOptions: simOptions({ id: `f${i}`, input: "hi", expected: { output: "hello" } }),
      });
      const text = r.content[0]?.type === "text" ? r.content[0].text : "";
      if (text.includes("[flaked]")) flaked++;
    }
    // Binomial(1000, 0.1): mean 100, sd 9.5; ±5 sd.
    expect(flaked).toBeGreaterThan(52);
    expect(flaked).toBeLessThan(148);
  });

  it("honours the abort signal while waiting", async () => {
    const model = createSimModel("support", { latencyMs: 60_000 });
    const controller = new AbortController();
    const pending = generateText({
      model,
      maxRetries: 0,
      prompt: "hi",
      abortSignal: controller.signal,
    });
    controller.abort();
    const error = await pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeDefined();
    expect(classifyProviderError(error).class).toBe("timeout");
  });

  it("streams the same answer it generates", async () => {
    const { model } = resolveModel("sim:analyst", FAST, {});
    const c = {
      id: "s",
      input: "Revenue for 2024-01-01..2024-01-31",
      expected: { json: { metric: "revenue", start_date: "2024-01-01", value: 125000 } },
    };
    const options = {
      model,
      maxRetries: 0,
      system: "Return the report.",
      prompt: c.input,
      providerOptions: simOptions(c),
    };
    const generated = await generateText(options);
    const streamed = streamText(options);
    expect(await streamed.text).toBe(generated.text);
    expect((await streamed.usage).outputTokens).toBe(generated.usage.outputTokens);
  });

  it("produces structured output that parses when told to answer with only JSON", async () => {
    const { model } = resolveModel("sim:analyst", FAST, {});
    const c = {
      id: "j",
      input: "Orders report",
      expected: { json: { metric: "orders", period_start: "2024-02-01", total: 1234 } },
    };
    const result = await generateText({
      model,
      maxRetries: 0,
      system:
        "Respond with only JSON. Dates in ISO 8601. Use the exact field names. Numbers as JSON numbers. Include every field.",
      prompt: c.input,
      output: Output.object({
        schema: z.object({ metric: z.string(), period_start: z.string(), total: z.number() }),
      }),
      providerOptions: simOptions(c),
    });
    expect(result.output).toEqual(c.expected.json);
  });
});

describe("sim: profiles", () => {
  it("lists the bundled profiles with 6+ habits each", () => {
    const profiles = listSimProfiles();
    expect(profiles.map((p) => p.name).sort()).toEqual(["analyst", "support"]);
    for (const p of profiles) expect(p.habits).toBeGreaterThanOrEqual(6);
  });

  it("loads a YAML profile by path and reports bad ones with file and line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ratchet-sim-"));
    writeFileSync(
      join(dir, "mine.yaml"),
      [
        "name: mine",
        "description: my bot",
        "templates:",
        "  - id: fallback",
        "    answer: Hello from YAML.",
        "habits:",
        "  - id: shouty",
        "    description: shouts",
        "    probability: 1",
        "    effect: { type: prepend, text: 'HEY!' }",
        "    cure: { any_of: [calm] }",
      ].join("\n"),
    );
    const { model } = resolveModel("sim:./mine.yaml", FAST, {}, { cwd: dir });
    const r = await generateText({ model, maxRetries: 0, prompt: "hi" });
    expect(r.text).toBe("HEY! Hello from YAML.");

    writeFileSync(
      join(dir, "bad.yaml"),
      ["name: bad", "description: x", "templates: []", "habits:", "  - id: Bad-Id"].join("\n"),
    );
    let caught: unknown;
    try {
      resolveModel("sim:bad", { sim: { type: "sim", profiles_dir: dir } }, {});
    } catch (e) {
      caught = e;
    }
    expect(isInputError(caught)).toBe(true);
    const formatted = (caught as { format(): string }).format();
    expect(formatted).toContain("bad.yaml:");
  });
});

describe("simProviderOptions", () => {
  it("carries the reference as a JSON round trip would: undefined dropped, NaN and holes as null", () => {
    const reference = {
      case: {
        id: "c1",
        tags: ["a"],
        input: "Where is ORD-1?",
        expected: {
          output: undefined,
          json: { list: [1, undefined, { gone: undefined, nan: Number.NaN }] },
          tool_calls: [{ name: "t", arguments: { x: 1, y: undefined } }],
        },
      },
      epoch: 2,
      seed: undefined,
    };
    expect(simProviderOptions(reference as never)).toEqual({
      sim: JSON.parse(JSON.stringify(reference)),
    });
    expect(JSON.stringify(simProviderOptions(reference as never))).toBe(
      JSON.stringify({ sim: JSON.parse(JSON.stringify(reference)) }),
    );
  });
});
