import { embed, embedMany } from "ai";
import { describe, expect, it } from "vitest";
import { InputError } from "../../core/index.js";
import { cosineSimilarity, createEmbeddingResolver, resolveEmbeddingModel } from "../embeddings.js";
import { createSimEmbedder, SIM_EMBEDDING_DIMENSIONS, simEmbedding } from "./embedder.js";

const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe("sim embedder", () => {
  it("gives fixed-length, unit-length, deterministic vectors", () => {
    const a = simEmbedding("Your refund has been issued.");
    const b = simEmbedding("Your refund has been issued.");
    expect(a).toHaveLength(SIM_EMBEDDING_DIMENSIONS);
    expect(norm(a)).toBeCloseTo(1, 12);
    expect(a).toEqual(b);
    expect(simEmbedding("x y z", 64)).toHaveLength(64);
  });

  it("gives the zero vector for text with no words, and cosine 0 against it", () => {
    const zero = simEmbedding("  ?! … ");
    expect(norm(zero)).toBe(0);
    expect(cosineSimilarity(zero, simEmbedding("refund"))).toBe(0);
  });

  it("ranks shared words and word forms above unrelated text", () => {
    const q = simEmbedding("The refund for order A-17 was issued yesterday");
    const near = simEmbedding("Order A-17: we issued your refund yesterday");
    const forms = simEmbedding("refunded orders are issued");
    const far = simEmbedding("The weather in Lisbon is sunny and warm");
    expect(cosineSimilarity(q, near)).toBeGreaterThan(cosineSimilarity(q, forms));
    expect(cosineSimilarity(q, forms)).toBeGreaterThan(cosineSimilarity(q, far));
    expect(cosineSimilarity(q, q)).toBeCloseTo(1, 12);
  });

  it("ignores case and diacritics", () => {
    expect(cosineSimilarity(simEmbedding("Café CRÈME"), simEmbedding("cafe creme"))).toBeCloseTo(
      1,
      12,
    );
  });

  it("works through the AI SDK embed / embedMany", async () => {
    const model = createSimEmbedder();
    const one = await embed({ model, value: "hello world" });
    expect(one.embedding).toEqual(simEmbedding("hello world"));
    const many = await embedMany({ model, values: ["a b", "c d", "a b"] });
    expect(many.embeddings[0]).toEqual(many.embeddings[2]);
    expect(many.usage.tokens).toBe(6);
  });

  it("rejects a nonsensical dimension at construction", () => {
    expect(() => createSimEmbedder({ dimensions: 2 })).toThrow(RangeError);
  });
});

describe("resolveEmbeddingModel", () => {
  it("resolves sim:embed and sim:embedder without keys", () => {
    expect(resolveEmbeddingModel("sim:embed", undefined, {}).model.provider).toBe("sim");
    expect(resolveEmbeddingModel("sim:embedder", undefined, {}).providerType).toBe("sim");
  });

  it("refuses a sim chat profile, anthropic, unknown providers and missing keys", () => {
    expect(() => resolveEmbeddingModel("sim:support", undefined, {})).toThrow(/not an embedding/);
    expect(() => resolveEmbeddingModel("anthropic:claude", undefined, {})).toThrow(
      /no embedding models/,
    );
    expect(() => resolveEmbeddingModel("opnai:text-embedding-3-small", undefined, {})).toThrow(
      /did you mean `openai`/,
    );
    try {
      resolveEmbeddingModel("openai:text-embedding-3-small", undefined, {});
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as Error).message).toContain("OPENAI_API_KEY");
    }
  });

  it("builds an OpenAI embedding model when the key is set, without calling it", () => {
    const r = resolveEmbeddingModel("openai:text-embedding-3-small", undefined, {
      OPENAI_API_KEY: "sk-test-000000000000000000000000",
    });
    expect(r.model.modelId).toBe("text-embedding-3-small");
    expect(r.model.specificationVersion).toBe("v3");
  });

  it("memoizes per spec in a resolver", () => {
    const resolve = createEmbeddingResolver(undefined, {});
    expect(resolve("sim:embed")).toBe(resolve(" sim:embed "));
  });
});

describe("sim:embed as a chat model", () => {
  it("says it is an embedding model", async () => {
    const { resolveModel } = await import("../resolve.js");
    expect(() => resolveModel("sim:embed", undefined, {})).toThrow(/is an embedding model/);
  });
});
