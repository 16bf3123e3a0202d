import { describe, expect, it } from "vitest";
import { providerEmbedder } from "./index.js";

describe("provider embeddings behind the Embedder interface", () => {
  it("normalises the provider's vectors and keeps the order", async () => {
    const embedder = providerEmbedder("openai:text-embedding-3-small", 2, async (texts) =>
      texts.map((t) => (t === "a" ? [3, 4] : [0, 2])),
    );
    const [a, b] = await embedder.embed(["a", "b"]);
    expect([...a!]).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect([...b!]).toEqual([0, 1]);
    expect(await embedder.embed([])).toEqual([]);
  });

  it("says so when the provider returns the wrong number of vectors", async () => {
    const embedder = providerEmbedder("broken", 2, async () => [[1, 0]]);
    await expect(embedder.embed(["a", "b"])).rejects.toThrow(
      "embedder broken returned 1 vectors for 2 texts",
    );
  });
});
