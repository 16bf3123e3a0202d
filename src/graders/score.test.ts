import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InputError } from "../core/index.js";
import { compileAssertions } from "./compile.js";
import { createGraderRegistry } from "./registry.js";
import { scoreAttempt } from "./score.js";
import { calls, makeInput } from "./testing.js";

const output = "Your refund for order A-17 is on its way.";
const input = makeInput({ output, tool_calls: calls("lookup_order", "refund"), latency_ms: 3000 });

describe("scoreAttempt", () => {
  it("weighted mean inside a dimension, renormalized over present dimensions", async () => {
    const compiled = compileAssertions([
      { type: "contains", value: "refund", weight: 3 }, // accuracy 1
      { type: "contains", value: "apology" }, // accuracy 0
      { type: "tool-called", tool: "refund" }, // tool_use 1
      { type: "latency", max_ms: 2000 }, // latency 0
    ]);
    const r = await scoreAttempt(input, compiled, {
      weights: { accuracy: 2, tool_use: 1, latency: 1, cost: 5 },
    });
    expect(r.dimension_scores).toEqual({ accuracy: 0.75, tool_use: 1, latency: 0 });
    // cost has weight 5 but no assertion, so it is left out: (2*0.75 + 1*1 + 1*0) / 4
    expect(r.overall).toBeCloseTo(2.5 / 4);
    expect(r.passed).toBe(false);
    expect(r.scores.map((s) => s.passed)).toEqual([true, false, true, false]);
    expect(r.scores[0]!.weight).toBe(3);
  });

  it("missing dimension weights default to 1", async () => {
    const compiled = compileAssertions([
      { type: "contains", value: "refund" },
      { type: "latency", max_ms: 2000 },
    ]);
    const r = await scoreAttempt(input, compiled);
    expect(r.overall).toBe(0.5);
  });

  it("a dimension weighted 0 leaves overall but still gates passed", async () => {
    const compiled = compileAssertions([
      { type: "contains", value: "refund" },
      { type: "latency", max_ms: 2000 },
    ]);
    const r = await scoreAttempt(input, compiled, { weights: { latency: 0 } });
    expect(r.overall).toBe(1);
    expect(r.dimension_scores.latency).toBe(0);
    expect(r.passed).toBe(false);
  });

  it("an assertion weighted 0 is informational", async () => {
    const compiled = compileAssertions([
      { type: "contains", value: "refund" },
      { type: "contains", value: "apology", weight: 0 },
    ]);
    const r = await scoreAttempt(input, compiled);
    expect(r).toMatchObject({ overall: 1, passed: true, dimension_scores: { accuracy: 1 } });
    expect(r.scores[1]).toMatchObject({ passed: false, weight: 0 });
  });

  it("falls back to the unweighted mean when all present dimensions weigh 0", async () => {
    const compiled = compileAssertions([
      { type: "contains", value: "refund" },
      { type: "latency", max_ms: 2000 },
    ]);
    const r = await scoreAttempt(input, compiled, { weights: { accuracy: 0, latency: 0 } });
    expect(r.overall).toBe(0.5);
  });

  it("passes with every assertion passing; no assertions means overall 1", async () => {
    const compiled = compileAssertions([
      { type: "contains", value: "refund" },
      { type: "tool-sequence", tools: ["lookup_order", "refund"] },
    ]);
    expect(await scoreAttempt(input, compiled)).toMatchObject({ passed: true, overall: 1 });
    expect(await scoreAttempt(input, [])).toEqual({
      scores: [],
      dimension_scores: {},
      overall: 1,
      passed: true,
    });
  });

  it("an errored attempt scores 0 everywhere and names the error class", async () => {
    const compiled = compileAssertions([
      { type: "contains", value: "refund" },
      { type: "latency", max_ms: 9000 },
    ]);
    const errored = {
      ...input,
      error: { class: "timeout" as const, message: "no answer after 30000 ms" },
    };
    const r = await scoreAttempt(errored, compiled);
    expect(r).toMatchObject({
      overall: 0,
      passed: false,
      dimension_scores: { accuracy: 0, latency: 0 },
    });
    for (const s of r.scores) {
      expect(s).toMatchObject({ score: 0, passed: false });
      expect(s.reason).toBe(
        "not graded: the attempt failed with timeout: no answer after 30000 ms",
      );
    }
  });

  it("a throwing, rejecting or nonsensical grader becomes a failed score, never a crash", async () => {
    const registry = createGraderRegistry();
    registry.register({
      type: "explodes",
      dimension: "safety",
      params: z.strictObject({}),
      grade: () => {
        throw new Error("model unavailable");
      },
    });
    registry.register({
      type: "rejects",
      dimension: "accuracy",
      params: z.strictObject({}),
      grade: async () => {
        throw new Error("judge timed out");
      },
    });
    registry.register({
      type: "nonsense",
      dimension: "accuracy",
      params: z.strictObject({}),
      grade: () => ({ score: 7, passed: true, reason: "?" }),
    });
    registry.register({
      type: "async-half",
      dimension: "accuracy",
      params: z.strictObject({}),
      grade: async () => ({ score: 0.5, passed: true, reason: "half right" }),
    });
    const compiled = compileAssertions(
      [{ type: "explodes" }, { type: "rejects" }, { type: "nonsense" }, { type: "async-half" }],
      undefined,
      { registry },
    );
    const r = await scoreAttempt(input, compiled);
    expect(r.scores[0]).toMatchObject({
      grader: "explodes",
      dimension: "safety",
      passed: false,
      score: 0,
      reason: "grader error: model unavailable",
    });
    expect(r.scores[1]!.reason).toBe("grader error: judge timed out");
    expect(r.scores[2]!.reason).toBe("grader error: score must be a number in 0..1, got 7");
    expect(r.scores[3]).toMatchObject({ score: 0.5, passed: true, reason: "half right" });
    expect(r.passed).toBe(false);
    expect(r.dimension_scores).toEqual({ safety: 0, accuracy: 0.5 / 3 });
  });

  it("negation inverts score and verdict and says so", async () => {
    const compiled = compileAssertions([
      { type: "tool-called", tool: "delete_account", negate: true },
    ]);
    const r = await scoreAttempt(input, compiled);
    expect(r.scores[0]).toMatchObject({ passed: true, score: 1 });
    expect(r.scores[0]!.reason).toMatch(/^negated: tool `delete_account` was not called/);
  });

  it("puts a custom name in details", async () => {
    const compiled = compileAssertions([
      { type: "contains", value: "refund", name: "mentions refund" },
    ]);
    const r = await scoreAttempt(input, compiled);
    expect(r.scores[0]!.details).toEqual({ name: "mentions refund" });
  });

  it("rejects negative or unknown dimension weights", async () => {
    await expect(scoreAttempt(input, [], { weights: { accuracy: -1 } })).rejects.toThrow(
      InputError,
    );
    await expect(scoreAttempt(input, [], { weights: { speed: 1 } as never })).rejects.toThrow(
      /unknown dimension/,
    );
  });
});
