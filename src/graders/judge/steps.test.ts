import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import type { JudgeRuntime } from "./types.js";
import { judgePointwise } from "./verdicts.js";

/** A judge model that always answers with `answer` as its JSON text. */
function runtimeAnswering(answer: unknown): JudgeRuntime {
  const model = new MockLanguageModelV3({
    doGenerate: async () => ({
      content: [{ type: "text", text: JSON.stringify(answer) }],
      finishReason: { unified: "stop", raw: "stop" },
      usage: {
        inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: 5, text: 5, reasoning: 0 },
      },
      warnings: [],
    }),
  });
  return {
    model: () => model,
    uncachedModel: () => model,
    price: () => 0,
    dimensionModels: {},
    retries: 1,
  };
}

describe("G-Eval steps", () => {
  const steps = ["names the city", "gives the year", "no false claims"];

  it("uses every step's score when the judge scores all of them", async () => {
    const runtime = runtimeAnswering({
      score: 5,
      label: "fail",
      reasoning: "r",
      steps: [
        { step: 1, score: 10 },
        { step: 2, score: 0 },
        { step: 3, score: 5 },
      ],
    });
    const r = await judgePointwise(runtime, "mock", {
      rubric: "r",
      scale: { min: 0, max: 10 },
      steps,
      candidate: "x",
    });
    expect(r.normalized).toBeCloseTo(0.5, 12);
  });

  it("refuses an answer that scores only some of the steps (its mean is not the G-Eval score)", async () => {
    const runtime = runtimeAnswering({
      score: 10,
      label: "pass",
      reasoning: "r",
      steps: [{ step: 1, score: 10 }],
    });
    await expect(
      judgePointwise(runtime, "mock", {
        rubric: "r",
        scale: { min: 0, max: 10 },
        steps,
        candidate: "x",
      }),
    ).rejects.toThrow(/no valid verdict/);
  });
});
