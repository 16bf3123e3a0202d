import { describe, expect, it } from "vitest";
import { InputError } from "../core/index.js";
import { classifyProviderError, parseRetryAfter, priceUsage, resolveModels } from "./index.js";

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected an InputError");
}

describe("resolveModels", () => {
  it("suggests the closest provider name", () => {
    const e = inputError(() => resolveModels(["opena:gpt-4o"], undefined, {}));
    expect(e.message).toContain('unknown provider "opena"');
    expect(e.message).toContain("did you mean `openai`");
  });

  it("names the missing key variable, never a value", () => {
    const e = inputError(() =>
      resolveModels(["sim:support", "anthropic:claude-sonnet-4-5"], undefined, {
        OPENAI_API_KEY: "sk-x",
      }),
    );
    expect(e.message).toContain("ANTHROPIC_API_KEY");
    const custom = inputError(() =>
      resolveModels(
        ["corp:m"],
        { corp: { type: "openai", base_url: "http://x", api_key_env: "CORP_KEY" } },
        {},
      ),
    );
    expect(custom.message).toContain("CORP_KEY");
    expect(custom.location.key).toBe("providers.corp.api_key_env");
  });

  it("rejects specs without a provider, openai-compatible without base_url, unknown sim profiles", () => {
    expect(inputError(() => resolveModels(["gpt-4o"], undefined, {})).message).toContain(
      "provider:model",
    );
    expect(
      inputError(() => resolveModels(["x:m"], { x: { type: "openai-compatible" } }, {})).location
        .key,
    ).toBe("providers.x.base_url");
    expect(inputError(() => resolveModels(["sim:nope"], undefined, {})).message).toContain(
      "support",
    );
  });

  it("resolves every kind with its settings", () => {
    const resolved = resolveModels(
      ["openai:gpt-4o-mini", "ollama:llama3.2:3b", "sim:analyst", "local:qwen"],
      {
        local: { type: "openai-compatible", base_url: "http://127.0.0.1:1/v1", max_concurrency: 2 },
      },
      { OPENAI_API_KEY: "sk-test" },
    );
    expect(resolved.map((r) => [r.provider, r.modelId, r.providerType])).toEqual([
      ["openai", "gpt-4o-mini", "openai"],
      ["ollama", "llama3.2:3b", "ollama"],
      ["sim", "analyst", "sim"],
      ["local", "qwen", "openai-compatible"],
    ]);
    expect(resolved[3]!.maxConcurrency).toBe(2);
    expect(resolved[2]!.model.provider).toBe("sim");
  });
});

describe("priceUsage", () => {
  const usage = { input_tokens: 1_000_000, output_tokens: 1_000_000 };
  it("prices known models by longest prefix", () => {
    expect(priceUsage("openai:gpt-4o-mini-2024-07-18", usage).usd).toBeCloseTo(0.75, 9);
    expect(priceUsage("openai:gpt-4o", usage).usd).toBeCloseTo(12.5, 9);
    expect(priceUsage("anthropic:claude-sonnet-4-5-20250929", usage).usd).toBeCloseTo(18, 9);
  });
  it("discounts cached input", () => {
    const r = priceUsage("openai:gpt-4o", {
      input_tokens: 1_000_000,
      output_tokens: 0,
      cached_input_tokens: 500_000,
    });
    expect(r.usd).toBeCloseTo(0.5 * 2.5 + 0.5 * 1.25, 9);
  });
  it("marks unknown models unpriced and prices sim like a small model", () => {
    expect(priceUsage("corp:mystery", usage)).toMatchObject({ usd: 0, priced: false });
    const sim = priceUsage("sim:support", usage);
    expect(sim.priced).toBe(true);
    expect(sim.usd).toBeGreaterThan(0);
  });
  it("applies overrides by spec, model id or provider wildcard", () => {
    const o = { "sim:*": { input: 1, output: 2 }, "corp:mystery": { input: 3, output: 3 } };
    expect(priceUsage("sim:analyst", usage, o)).toMatchObject({
      usd: 3,
      source: "config token_pricing",
    });
    expect(priceUsage("corp:mystery", usage, o)).toMatchObject({ usd: 6, priced: true });
  });
  it("uses the built-in table only for the vendors' own endpoints", () => {
    const selfHosted = { type: "openai-compatible" as const };
    expect(priceUsage("mock:gpt-4o-mini", usage, {}, selfHosted)).toMatchObject({
      usd: 0,
      priced: false,
      source: "none",
    });
    expect(priceUsage("box:gpt-4o-mini", usage, {}, { type: "ollama" }).source).toBe("none");
    // A gateway in front of OpenAI (type openai with a base_url) still serves OpenAI's models.
    expect(priceUsage("gw:gpt-4o-mini", usage, {}, { type: "openai" }).source).toBe(
      "builtin table",
    );
    expect(priceUsage("ollama:llama3", usage).source).toBe("none");
    expect(priceUsage("openai:gpt-4o-mini", usage).source).toBe("builtin table");
    const o = { "mock:gpt-4o-mini": { input: 1, output: 1 } };
    expect(priceUsage("mock:gpt-4o-mini", usage, o, selfHosted)).toMatchObject({
      usd: 2,
      source: "config token_pricing",
    });
  });
});

describe("classifyProviderError", () => {
  it("parses Retry-After seconds, HTTP-dates and retry-after-ms", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter({ "Retry-After": "3" }, now)).toBe(3000);
    expect(parseRetryAfter({ "retry-after": "Wed, 01 Jan 2025 00:00:10 GMT" }, now)).toBe(10_000);
    expect(parseRetryAfter({ "retry-after-ms": "250.5", "retry-after": "9" }, now)).toBe(251);
    expect(parseRetryAfter({ "retry-after": "soon" }, now)).toBeUndefined();
  });

  it("treats network failures as retryable provider errors and unknown errors as agent errors", () => {
    const refused = Object.assign(new TypeError("fetch failed"), {
      cause: { code: "ECONNREFUSED" },
    });
    expect(classifyProviderError(refused)).toMatchObject({
      class: "provider_error",
      retryable: true,
    });
    expect(classifyProviderError(new Error("tool threw"))).toMatchObject({ class: "agent_error" });
    const timeout = new DOMException("signal timed out", "TimeoutError");
    expect(classifyProviderError(timeout).class).toBe("timeout");
  });

  it("scrubs key-shaped strings from messages", () => {
    const c = classifyProviderError(
      new Error("bad header Authorization: Bearer sk-abcdefghijklmnop"),
    );
    expect(c.message).not.toContain("abcdefghijklmnop");
  });
});
