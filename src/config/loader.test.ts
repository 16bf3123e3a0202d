// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings test `${VAR}` interpolation itself
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  configJsonSchema,
  defaultConfig,
  findConfig,
  loadConfig,
  parseConfig,
  RatchetConfigSchema,
} from "./index.js";
import { inputErrorOf, lineOf, tempDir } from "./testdata/helpers.js";

const SEED = join(import.meta.dirname, "testdata", "seed-template.yaml");

async function loadText(text: string, env: Record<string, string> = {}) {
  const dir = await tempDir({ "ratchet.yaml": text });
  return loadConfig(join(dir, "ratchet.yaml"), { env });
}

async function errorFor(text: string, env: Record<string, string> = {}) {
  const dir = await tempDir({ "ratchet.yaml": text });
  const file = join(dir, "ratchet.yaml");
  const error = await inputErrorOf(() => loadConfig(file, { env }));
  return { error, file };
}

describe("loadConfig: good paths", () => {
  it("loads the seed template with sections nested under pipeline", async () => {
    const loaded = await loadConfig(SEED);
    const { config } = loaded;
    expect(config.pipeline.name).toBe("agent-optimization-cycle");
    expect(config.pipeline.version).toBe("1.0");
    expect(config.agent.identifier).toBe("support-assistant-v2");
    expect(config.agent.tool_definitions).toEqual(["search", "ticket_lookup", "escalation"]);
    // tool_compliance is the seed's name for tool_use; unnamed dimensions weigh 0.
    expect(config.evaluation.dimensions).toEqual({
      accuracy: 0.4,
      safety: 0.3,
      tool_use: 0.3,
      latency: 0,
      cost: 0,
    });
    expect(config.evaluation.dimension_judges.tool_use).toBe("claude-3-5-sonnet");
    expect(config.evaluation.output_format).toBe("json");
    // The promotion gate does not leak into the evaluation threshold.
    expect(config.promotion.gatekeeper.minimum_score).toBe(0.88);
    expect(config.evaluation.threshold).toBe(0.8);
    expect(config.promotion.gatekeeper.shadow_sample_size).toBe(500);
    expect(config.observability.tracing?.endpoint).toBe("http://observability.internal:4317");
    expect(config.cost.default_pricing).toEqual({ input_per_million: 3, output_per_million: 15 });
    expect(loaded.dir).toBe(join(import.meta.dirname, "testdata"));
    expect(loaded.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("applies defaults to an empty file", async () => {
    const { config } = await loadText("");
    expect(config).toEqual(defaultConfig());
    expect(config.agent.model).toBe("sim:support");
    expect(config.pipeline.max_concurrency).toBe(10);
    expect(config.evaluation.suites).toEqual(["suites/**/*.{yaml,yml,jsonl,csv}"]);
    const sum = Object.values(config.evaluation.dimensions).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 9);
    expect(config.cache).toEqual({ enabled: true, ttl_seconds: 604800 });
    expect(config.store.path).toBe(".ratchet/ratchet.db");
  });

  it("hashes the resolved config, not the text", async () => {
    const a = await loadText("pipeline:\n  name: x\n  seed: 7\nagent:\n  max_steps: 3\n");
    const b = await loadText("agent:\n  max_steps: 3\npipeline:\n  seed: 7\n  name: x  # same\n");
    const c = await loadText("pipeline:\n  name: x\n  seed: 8\nagent:\n  max_steps: 3\n");
    expect(a.hash).toBe(b.hash);
    expect(a.hash).not.toBe(c.hash);
  });

  it("expands ${VAR} and ${VAR:-default}, keeps $${VAR} literal", async () => {
    const { config } = await loadText(
      "pipeline:\n  name: ${NAME}\n  version: ${VERSION:-2.1}\nagent:\n  system_prompt: cost is $${X}\n",
      { NAME: "from-env" },
    );
    expect(config.pipeline.name).toBe("from-env");
    expect(config.pipeline.version).toBe("2.1");
    expect(config.agent.system_prompt).toBe("cost is ${X}");
  });

  it("leaves placeholders in header maps for request time, so secrets never enter the config", async () => {
    const text = [
      "providers:",
      "  gateway:",
      "    type: openai-compatible",
      "    base_url: https://llm.example.com/v1",
      "    api_key_env: GATEWAY_KEY",
      "    headers:",
      "      Authorization: Bearer ${GATEWAY_KEY}",
      "agent:",
      "  model: gateway:llama-3.1-70b",
      "",
    ].join("\n");
    const loaded = await loadText(text, { GATEWAY_KEY: "sk-very-secret" });
    expect(loaded.config.providers.gateway?.headers?.Authorization).toBe("Bearer ${GATEWAY_KEY}");
    expect(JSON.stringify(loaded.config)).not.toContain("sk-very-secret");
  });

  it("accepts http, exec and module agents with their sections", async () => {
    const http = await loadText(
      "agent:\n  kind: http\n  http:\n    url: http://localhost:8080/chat\n    body: {message: '{{input}}'}\n",
    );
    expect(http.config.agent.http).toMatchObject({ method: "POST", answer_path: "$.output" });
    const exec = await loadText("agent:\n  kind: exec\n  exec:\n    command: python\n");
    expect(exec.config.agent.exec).toEqual({ command: "python", args: [], env: {} });
  });

  it("parseConfig validates plain objects too", () => {
    const config = parseConfig(
      { evaluation: { threshold: 0.9, suites: "cases.jsonl" } },
      { env: {} },
    );
    expect(config.evaluation.threshold).toBe(0.9);
    expect(config.evaluation.suites).toEqual(["cases.jsonl"]);
  });
});

describe("loadConfig: bad input names file, line and key", () => {
  it("malformed YAML", async () => {
    const text = "pipeline:\n  name: x\nagent:\n  model: [sim:support\n  max_steps: 3\n";
    const { error, file } = await errorFor(text);
    expect(error.location.file).toBe(file);
    expect(error.location.line).toBeGreaterThanOrEqual(lineOf(text, "model:"));
    expect(error.location.key).toMatch(/^agent/);
    expect(error.message).toMatch(/invalid YAML/);
    expect(error.format()).toContain(`${file}:`);
  });

  it("duplicate keys", async () => {
    const text = "agent:\n  max_steps: 3\n  max_steps: 4\n";
    const { error } = await errorFor(text);
    expect(error.location.line).toBe(lineOf(text, "max_steps", 2));
    expect(error.message).toMatch(/unique/i);
  });

  it("unknown key, with a suggestion", async () => {
    const text = "pipeline:\n  name: x\nagent:\n  kind: prompt\n  modle: openai:gpt-4o\n";
    const { error, file } = await errorFor(text);
    expect(error.location).toMatchObject({ file, line: lineOf(text, "modle"), key: "agent.modle" });
    expect(error.message).toContain("did you mean `model`?");
  });

  it("unknown top-level section, with a suggestion", async () => {
    const text = "evalution:\n  threshold: 0.5\n";
    const { error } = await errorFor(text);
    expect(error.location).toMatchObject({ line: 1, key: "evalution" });
    expect(error.message).toContain("did you mean `evaluation`?");
  });

  it("wrong type", async () => {
    const text = "pipeline:\n  name: x\n  max_concurrency: many\n";
    const { error } = await errorFor(text);
    expect(error.location).toMatchObject({
      line: lineOf(text, "max_concurrency"),
      key: "pipeline.max_concurrency",
    });
    expect(error.message).toMatch(/expected (int|number)/);
  });

  it("bad enum value, with a suggestion", async () => {
    const text = "agent:\n  kind: promt\n";
    const { error } = await errorFor(text);
    expect(error.location).toMatchObject({ line: 2, key: "agent.kind" });
    expect(error.message).toContain("did you mean `prompt`?");
  });

  it("weights not summing to 1 (map form)", async () => {
    const text = "evaluation:\n  dimensions:\n    accuracy: 0.5\n    safety: 0.2\n";
    const { error } = await errorFor(text);
    expect(error.location).toMatchObject({
      line: lineOf(text, "dimensions"),
      key: "evaluation.dimensions",
    });
    expect(error.message).toMatch(/sum to 1, got 0\.7/);
  });

  it("weights not summing to 1 (seed list form, nested under pipeline)", async () => {
    const text = [
      "pipeline:",
      "  name: x",
      "  evaluation:",
      "    dimensions:",
      "      - name: accuracy",
      "        weight: 0.6",
      "      - name: tool_compliance",
      "        weight: 0.6",
      "",
    ].join("\n");
    const { error } = await errorFor(text);
    // The key is the hoisted one, the line is where it really is in the file.
    expect(error.location).toMatchObject({
      line: lineOf(text, "dimensions"),
      key: "evaluation.dimensions",
    });
    expect(error.message).toMatch(/sum to 1, got 1\.2/);
  });

  it("unknown dimension in the list form", async () => {
    const text = "evaluation:\n  dimensions:\n    - name: acuracy\n      weight: 1\n";
    const { error } = await errorFor(text);
    expect(error.location).toMatchObject({ line: 3, key: "evaluation.dimensions[0].name" });
    expect(error.message).toContain("did you mean `accuracy`?");
  });

  it("missing env var without default", async () => {
    const text = "pipeline:\n  name: x\nagent:\n  system_prompt: hello ${WHO}\n";
    const { error } = await errorFor(text, {});
    expect(error.location).toMatchObject({
      line: lineOf(text, "system_prompt"),
      key: "agent.system_prompt",
    });
    expect(error.message).toContain("`WHO`");
  });

  it("refuses to expand a secret-looking variable into the config", async () => {
    const text = "agent:\n  system_prompt: key is ${OPENAI_API_KEY}\n";
    const { error } = await errorFor(text, { OPENAI_API_KEY: "sk-live-123" });
    expect(error.location).toMatchObject({ line: 2, key: "agent.system_prompt" });
    expect(error.message).not.toContain("sk-live-123");
  });

  it("an api key pasted into api_key_env is rejected without echoing it", async () => {
    const text = "providers:\n  openai:\n    type: openai\n    api_key_env: sk-proj-abc123\n";
    const { error } = await errorFor(text);
    expect(error.location).toMatchObject({ line: 4, key: "providers.openai.api_key_env" });
    expect(error.format()).not.toContain("sk-proj-abc123");
  });

  it("unknown provider in agent.model", async () => {
    const text = "agent:\n  model: opneai:gpt-4o\n";
    const { error } = await errorFor(text);
    expect(error.location).toMatchObject({ line: 2, key: "agent.model" });
    expect(error.message).toContain("did you mean `openai`?");
  });

  it("kind http without an http section", async () => {
    const text = "agent:\n  kind: http\n";
    const { error } = await errorFor(text);
    expect(error.location).toMatchObject({ line: 2, key: "agent.kind" });
  });

  it("system_prompt and system_prompt_file together", async () => {
    const text = "agent:\n  system_prompt: hi\n  system_prompt_file: p.md\n";
    const { error } = await errorFor(text);
    expect(error.location).toMatchObject({ line: 3, key: "agent.system_prompt_file" });
  });

  it("a section both at top level and under pipeline", async () => {
    const text = "pipeline:\n  name: x\n  agent:\n    max_steps: 2\nagent:\n  max_steps: 3\n";
    const { error } = await errorFor(text);
    expect(error.location).toMatchObject({ line: 3, key: "pipeline.agent" });
  });

  it("a typo nested under pipeline points at its real line", async () => {
    const text = "pipeline:\n  name: x\n  rollback:\n    enabld: true\n";
    const { error } = await errorFor(text);
    expect(error.location).toMatchObject({ line: 4, key: "rollback.enabld" });
    expect(error.message).toContain("did you mean `enabled`?");
  });

  it("counts further problems in the one-line message", async () => {
    const text = "agent:\n  max_steps: 0\n  temperature: 9\n";
    const { error } = await errorFor(text);
    expect(error.location.line).toBe(2);
    expect(error.message).toContain("(and 1 more problem)");
  });
});

describe("findConfig", () => {
  it("finds ratchet.yml upward and nothing where there is none", async () => {
    const dir = await tempDir({ "ratchet.yml": "", "a/b/c/.keep": "" });
    expect(await findConfig(join(dir, "a", "b", "c"))).toBe(join(dir, "ratchet.yml"));
    const empty = await tempDir({ "x/.keep": "" });
    const found = await findConfig(join(empty, "x"));
    // Whatever lies above the temp dir is not ours to control; only require it is not inside.
    if (found !== undefined) expect(found.startsWith(empty)).toBe(false);
  });
});

describe("configJsonSchema", () => {
  it("describes the input shape with strict objects", () => {
    const schema = configJsonSchema() as {
      properties: Record<string, { properties?: Record<string, unknown> }>;
      additionalProperties: unknown;
    };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(["pipeline", "agent", "evaluation", "providers", "promotion"]),
    );
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.agent?.properties).toHaveProperty("system_prompt_file");
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });

  it("the exported schema parses the seed fixture once hoisted by the loader", async () => {
    const text = await readFile(SEED, "utf8");
    expect(text).toContain("pipeline:");
    expect(RatchetConfigSchema.safeParse({ pipeline: { name: "x" } }).success).toBe(true);
  });
});
