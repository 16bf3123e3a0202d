import { describe, expect, it } from "vitest";
import { clusterKeywords, representatives } from "./index.js";

describe("c-TF-IDF keyword labels", () => {
  it("weights terms as tf(t, c) / words(c) · ln(1 + A / f(t)), worked by hand", () => {
    // Stop words ("my", "again") drop out, with any bigram they are in. Cluster 0 terms: card ×2, declined ×2,
    // "card declined" ×2 → 6 words; cluster 1: refund ×2, missing, late, "refund missing",
    // "refund late" → 6 words. A = 6. card: 2/6 · ln(1 + 6/2) = ln 4 / 3;
    // refund: the same; missing: 1/6 · ln(1 + 6/1) = ln 7 / 6. Unclustered texts are skipped.
    const texts = [
      "my card declined",
      "card declined again",
      "refund missing",
      "refund late",
      "unrelated words here",
    ];
    const [first, second] = clusterKeywords(texts, [0, 0, 1, 1, -1]);
    expect(first!.cluster).toBe(0);
    // "card declined", "card" and "declined" tie; the bigram comes first and covers both.
    expect(first!.terms.map((t) => t.term)).toEqual(["card declined"]);
    expect(first!.terms[0]!.weight).toBeCloseTo(Math.log(4) / 3, 14);
    expect(first!.label).toBe("card declined");
    expect(second!.terms[0]).toEqual({ term: "refund", weight: Math.log(4) / 3 });
    expect(second!.terms[1]!.weight).toBeCloseTo(Math.log(7) / 6, 14);
    expect(second!.terms.map((t) => t.term)).toEqual(["refund", "refund late", "refund missing"]);
  });

  it("ranks a term shared by every cluster below one that is specific", () => {
    const texts = [
      "error tool timeout",
      "error tool timeout",
      "error refund missing",
      "error refund missing",
    ];
    const [first] = clusterKeywords(texts, [0, 0, 1, 1], { labelTerms: 1 });
    expect(first!.label).not.toBe("error");
  });

  it("gives no keywords for an empty input or clusters of stop words only", () => {
    expect(clusterKeywords([], [])).toEqual([]);
    expect(clusterKeywords(["the of and", "is it"], [0, 0])).toEqual([
      { cluster: 0, terms: [], label: "" },
    ]);
  });
});

describe("representative members", () => {
  it("orders members by similarity to the centroid; the first is the medoid", () => {
    const s = Math.SQRT1_2;
    const vectors = [
      Float32Array.of(1, 0),
      Float32Array.of(s, s),
      Float32Array.of(0, 1),
      Float32Array.of(-1, 0),
    ];
    // Cluster 0 = first three: mean direction (1+s, 1+s)/|…| = (s, s) → member 1 is the
    // medoid (similarity 1), members 0 and 2 tie at s (index order).
    const [rep] = representatives(vectors, [0, 0, 0, -1], 2);
    expect(rep!.medoid).toBe(1);
    expect(rep!.members.map((m) => m.index)).toEqual([1, 0]);
    expect(rep!.members[0]!.similarity).toBeCloseTo(1, 6);
    expect(rep!.members[1]!.similarity).toBeCloseTo(s, 6);
  });
});
