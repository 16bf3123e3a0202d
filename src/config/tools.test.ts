import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../core/index.js";
import { loadAgentTools, loadConfig, loadSystemPrompt, loadToolFixtures } from "./index.js";
import { inputErrorOf, lineOf, tempDir } from "./testdata/helpers.js";

const FIXTURE = `tools:
  - name: lookup_order
    description: Look up an order by id
    parameters: { type: object, properties: { order_id: { type: string } }, required: [order_id] }
    responses:
      - when: { order_id: "A100" }
        result: { status: shipped, eta: "2026-11-30" }
        latency_ms: 20
        effects: [{ effect: "order.read" }]
      - when: { order_id: "X999" }
        error: "order not found"
      - when_regex: { order_id: "^B\\\\d+$" }
        result: { status: processing }
      - default: true
        result: { status: unknown }
  - name: refund
    parameters: { type: object, properties: { order_id: { type: string }, amount: { type: number } } }
    side_effect: true
    responses:
      - default: true
        result: { ok: true }
        effects: [{ effect: "refund.issued", data: { source: fixture } }]
`;

async function fixtureError(text: string) {
  const dir = await tempDir({ "tools.yaml": text });
  const file = join(dir, "tools.yaml");
  return { error: await inputErrorOf(() => loadToolFixtures(file)), file };
}

describe("loadToolFixtures", () => {
  it("loads typed fixtures with defaults", async () => {
    const dir = await tempDir({ "tools.yaml": FIXTURE });
    const tools = await loadToolFixtures(join(dir, "tools.yaml"));
    expect(tools.map((t) => t.name)).toEqual(["lookup_order", "refund"]);
    const [lookup, refund] = tools;
    expect(lookup?.side_effect).toBe(false);
    expect(lookup?.responses[0]).toMatchObject({
      when: { order_id: "A100" },
      result: { status: "shipped", eta: "2026-11-30" },
      latency_ms: 20,
      effects: [{ effect: "order.read" }],
    });
    expect(lookup?.responses[1]).toMatchObject({ error: "order not found", effects: [] });
    expect(lookup?.responses[2]?.when_regex?.order_id).toBe("^B\\d+$");
    expect(refund?.side_effect).toBe(true);
    expect(refund?.description).toBe("");
  });

  it("a `when` field that is not a parameter names file, line and field", async () => {
    const text = FIXTURE.replace('when: { order_id: "X999" }', 'when: { orderid: "X999" }');
    const { error, file } = await fixtureError(text);
    expect(error.location).toMatchObject({
      file,
      line: lineOf(text, "orderid"),
      key: "tools[0].responses[1].when.orderid",
    });
  });

  it("an unknown field gets a suggestion", async () => {
    const text = FIXTURE.replace("side_effect: true", "side_efect: true");
    const { error } = await fixtureError(text);
    expect(error.location).toMatchObject({
      line: lineOf(text, "side_efect"),
      key: "tools[1].side_efect",
    });
    expect(error.message).toContain("did you mean `side_effect`?");
  });

  it("a tool without a name", async () => {
    const text = "tools:\n  - description: nameless\n";
    const { error } = await fixtureError(text);
    expect(error.location).toMatchObject({ line: 2, key: "tools[0].name" });
    expect(error.message).toMatch(/missing/);
  });

  it("a response that can never fire, a bad regex, duplicate names", async () => {
    const never = "tools:\n  - name: t\n    responses:\n      - result: 1\n";
    expect((await fixtureError(never)).error.location).toMatchObject({
      line: 4,
      key: "tools[0].responses[0]",
    });
    const regex = "tools:\n  - name: t\n    responses:\n      - when_regex: { q: '(' }\n";
    const badRegex = (await fixtureError(regex)).error;
    expect(badRegex.location).toMatchObject({ line: 4, key: "tools[0].responses[0].when_regex.q" });
    expect(badRegex.message).toMatch(/regular expression/);
    const dup = "tools:\n  - name: t\n  - name: t\n";
    expect((await fixtureError(dup)).error.location).toMatchObject({
      line: 3,
      key: "tools[1].name",
    });
  });

  it("malformed YAML", async () => {
    const text = "tools:\n  - name: t\n    parameters: {type: object\n";
    const { error, file } = await fixtureError(text);
    expect(error.location.file).toBe(file);
    expect(error.location.line).toBeGreaterThanOrEqual(3);
    expect(error.message).toMatch(/invalid YAML/);
  });
});

describe("agent files", () => {
  it("narrows fixture tools to the seed's tool_definitions and suggests on a typo", async () => {
    const dir = await tempDir({
      "tools.yaml": FIXTURE,
      "ratchet.yaml": "agent:\n  tools: tools.yaml\n  tool_definitions: [refund]\n",
      "bad/ratchet.yaml": "agent:\n  tools: ../tools.yaml\n  tool_definitions: [refnd]\n",
    });
    const tools = await loadAgentTools(await loadConfig(join(dir, "ratchet.yaml")));
    expect(tools.map((t) => t.name)).toEqual(["refund"]);
    const bad = await loadConfig(join(dir, "bad", "ratchet.yaml"));
    const error = await inputErrorOf(() => loadAgentTools(bad));
    expect(error.location.key).toBe("agent.tool_definitions[0]");
    expect(error.message).toContain("did you mean `refund`?");
  });

  it("accepts tools inline in the config", async () => {
    const dir = await tempDir({
      "ratchet.yaml":
        "agent:\n  tools:\n    - name: search\n      responses: [{ default: true, result: [] }]\n",
    });
    const tools = await loadAgentTools(await loadConfig(join(dir, "ratchet.yaml")));
    expect(tools[0]?.name).toBe("search");
  });

  it("reads the system prompt from .md and from a .yaml `content` key", async () => {
    const dir = await tempDir({
      "p.md": "You are helpful.\n",
      "prompts/base.yaml": "content: |\n  Be brief.\n",
      "a.yaml": "agent:\n  system_prompt_file: p.md\n",
      "b.yaml": "agent:\n  system_prompt_file: prompts/base.yaml\n",
    });
    expect(await loadSystemPrompt(await loadConfig(join(dir, "a.yaml")))).toBe(
      "You are helpful.\n",
    );
    expect(await loadSystemPrompt(await loadConfig(join(dir, "b.yaml")))).toBe("Be brief.\n");
  });

  it("a missing prompt file is named with the config's file, line and key", async () => {
    const dir = await tempDir({
      "ratchet.yaml":
        "pipeline:\n  name: x\nagent:\n  model: sim:support\n  system_prompt_file: prompts/gone.md\n",
    });
    const loaded = await loadConfig(join(dir, "ratchet.yaml"));
    const error = await loadSystemPrompt(loaded).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).format()).toMatch(
      /ratchet\.yaml:5: agent\.system_prompt_file: cannot read system prompt: .*gone\.md/,
    );
  });
});
