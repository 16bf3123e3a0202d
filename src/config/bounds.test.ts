import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./index.js";
import { inputErrorOf, lineOf, tempDir } from "./testdata/helpers.js";

/** The located error for a config, or a failure when the config loads. */
async function refusal(text: string) {
  const dir = await tempDir({ "ratchet.yaml": text });
  return inputErrorOf(() => loadConfig(join(dir, "ratchet.yaml")));
}

describe("numeric settings have upper bounds", () => {
  const cases: Array<[string, string, string]> = [
    ["evaluation.repeat", "evaluation:\n  repeat: 1e9\n", "repeat:"],
    ["agent.max_steps", "agent:\n  max_steps: 4294967296\n", "max_steps:"],
    [
      "providers.sim.latency_ms",
      "providers:\n  sim:\n    type: sim\n    latency_ms: 2147483648\n",
      "latency_ms:",
    ],
    ["pipeline.max_concurrency", "pipeline:\n  max_concurrency: 1000000\n", "max_concurrency:"],
    ["pipeline.timeout_seconds", "pipeline:\n  timeout_seconds: 1e12\n", "timeout_seconds:"],
    ["pipeline.retries", "pipeline:\n  retries: 100\n", "retries:"],
    ["agent.max_tokens", "agent:\n  max_tokens: 1e15\n", "max_tokens:"],
    [
      "evaluation.cost.max_usd_per_case",
      "evaluation:\n  cost:\n    max_usd_per_case: 1e300\n",
      "max_usd_per_case:",
    ],
    [
      "evaluation.judges.concurrency",
      "evaluation:\n  judges:\n    concurrency: 100000\n",
      "concurrency:",
    ],
  ];
  for (const [key, text, needle] of cases) {
    it(`refuses a huge ${key} with its line and the bound`, async () => {
      const error = await refusal(text);
      expect(error.location.key).toBe(key);
      expect(error.location.line).toBe(lineOf(text, needle));
      expect(error.message).toMatch(/must be at most [\d,]+ \(got /);
    });
  }

  it("wants whole numbers where counts are meant", async () => {
    const error = await refusal("evaluation:\n  repeat: 2.5\n");
    expect(error.location.key).toBe("evaluation.repeat");
    expect(error.message).toMatch(/int/);
  });

  it("keeps accepting ordinary values", async () => {
    const dir = await tempDir({
      "ratchet.yaml":
        "pipeline:\n  max_concurrency: 64\n  timeout_seconds: 600\nagent:\n  max_steps: 50\nevaluation:\n  repeat: 20\nproviders:\n  sim:\n    type: sim\n    latency_ms: 250\n",
    });
    const { config } = await loadConfig(join(dir, "ratchet.yaml"));
    expect(config.evaluation.repeat).toBe(20);
    expect(config.agent.max_steps).toBe(50);
  });
});
