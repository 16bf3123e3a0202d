import type { EmbeddingModelV3 } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { compileAssertions } from "../compile.js";
import { createGraderRegistry } from "../registry.js";
import { gradeAssertion } from "../score.js";
import { makeInput } from "../testing.js";
import type { GradeInput } from "../types.js";

/** A fake embedding model with hand-picked vectors, counting its calls. */
function fakeModel(vectors: Record<string, number[]>) {
  const seen: string[] = [];
  const model: EmbeddingModelV3 = {
    specificationVersion: "v3",
    provider: "fake",
    modelId: "fake",
    maxEmbeddingsPerCall: 100,
    supportsParallelCalls: true,
    async doEmbed({ values }) {
      seen.push(...values);
      return { embeddings: values.map((v) => vectors[v] ?? [0, 0, 1]), warnings: [] };
    },
  };
  return { model, seen };
}

async function run(
  spec: Record<string, unknown>,
  over: Partial<GradeInput>,
  model?: EmbeddingModelV3,
) {
  const registry = createGraderRegistry(model ? { embeddings: () => model } : {});
  const [a] = compileAssertions([spec as { type: string }], "s.yaml:1", { registry });
  return gradeAssertion(makeInput(over), a!);
}

describe("similar", () => {
  it("scores the cosine between output and value with the configured model", async () => {
    // cos([1,0,0], [0.6,0.8,0]) = 0.6 exactly.
    const { model } = fakeModel({ answer: [1, 0, 0], reference: [0.6, 0.8, 0] });
    const s = await run(
      { type: "similar", value: "reference", threshold: 0.5, model: "fake:x" },
      { output: "answer" },
      model,
    );
    expect(s).toMatchObject({ passed: true, dimension: "accuracy" });
    expect(s.score).toBeCloseTo(0.6, 12);
    const f = await run(
      { type: "similar", value: "reference", threshold: 0.7, model: "fake:x" },
      { output: "answer" },
      model,
    );
    expect(f.passed).toBe(false);
    expect(f.reason).toMatch(/^cosine similarity 0.600 < 0.7 to "reference" \(fake:x\)$/);
  });

  it("takes the best of several references and clips negative cosines to 0", async () => {
    const { model } = fakeModel({ a: [1, 0, 0], r1: [-1, 0, 0], r2: [0, 1, 0] });
    const s = await run(
      { type: "similar", value: ["r1", "r2"], model: "fake:x" },
      { output: "a" },
      model,
    );
    expect(s.score).toBe(0);
    const { model: m2 } = fakeModel({ a: [1, 0, 0], r1: [0, 1, 0], r2: [1, 0, 0] });
    expect(
      (await run({ type: "similar", value: ["r1", "r2"], model: "fake:x" }, { output: "a" }, m2))
        .score,
    ).toBeCloseTo(1, 12);
  });

  it("works offline with sim:embed and expected.output by default", async () => {
    const c = {
      id: "c",
      input: "q",
      assertions: [],
      tags: [],
      severity: "blocking" as const,
      expected: { output: "Your refund has been issued." },
    };
    const near = await run({ type: "similar" }, { case: c, output: "We have issued your refund." });
    const far = await run(
      { type: "similar" },
      { case: c, output: "The parcel shipped on Tuesday." },
    );
    expect(near.passed).toBe(true);
    expect(far.passed).toBe(false);
    expect(near.score).toBeGreaterThan(far.score);
  });

  it("embeds a repeated reference once across attempts", async () => {
    const { model, seen } = fakeModel({});
    const registry = createGraderRegistry({ embeddings: () => model });
    const [a] = compileAssertions(
      [{ type: "similar", value: "same reference", model: "fake:x" }],
      undefined,
      { registry },
    );
    for (const output of ["o1", "o2", "o3"]) await gradeAssertion(makeInput({ output }), a!);
    expect(seen.filter((v) => v === "same reference")).toHaveLength(1);
    expect(seen.filter((v) => v.startsWith("o"))).toHaveLength(3);
  });
});

describe("answer-relevance", () => {
  it("compares the case question (last user message) with the answer", async () => {
    const { model } = fakeModel({ "how do I reset?": [0, 1, 0], "Open settings.": [0, 0.8, 0.6] });
    const c = {
      id: "c",
      input: [
        { role: "user" as const, content: "hi" },
        { role: "assistant" as const, content: "hello" },
        { role: "user" as const, content: "how do I reset?" },
      ],
      assertions: [],
      tags: [],
      severity: "blocking" as const,
    };
    const s = await run(
      { type: "answer-relevance", model: "fake:x", threshold: 0.75 },
      { case: c, output: "Open settings." },
      model,
    );
    expect(s.score).toBeCloseTo(0.8, 12);
    expect(s.passed).toBe(true);
  });

  it("fails an empty output without calling the model", async () => {
    const { model, seen } = fakeModel({});
    const s = await run({ type: "answer-relevance", model: "fake:x" }, { output: "  " }, model);
    expect(s.reason).toBe("the output is empty");
    expect(seen).toHaveLength(0);
  });
});
