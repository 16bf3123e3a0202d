import { describe, expect, it } from "vitest";
import { createRng } from "../core/index.js";
import { dot, fitLsa, normalizeText, offlineEmbedder } from "./index.js";
import { truncatedSvd } from "./svd.js";
import type { SparseRow } from "./tfidf.js";

const norm = (v: Float32Array) => Math.sqrt(dot(v, v));

describe("truncated SVD", () => {
  it("recovers the singular values of a diagonal matrix", () => {
    // diag(5, 4, 3, 2, 1): singular values are the diagonal, largest first.
    const rows: SparseRow[] = [5, 4, 3, 2, 1].map((v, i) => ({
      indices: Int32Array.of(i),
      values: Float32Array.of(v),
    }));
    const svd = truncatedSvd(
      rows,
      5,
      { components: 3, oversample: 2, powerIterations: 2 },
      createRng(1),
    );
    expect(svd.k).toBe(3);
    expect([...svd.singularValues].map((s) => Number(s.toFixed(6)))).toEqual([5, 4, 3]);
  });

  it("finds rank 1 in a rank-1 matrix: rows (1, 2), (2, 4), (3, 6)", () => {
    // A = u vᵀ with u = (1, 2, 3), v = (1, 2): σ₁ = |u| · |v| = √14 · √5 = √70.
    const rows: SparseRow[] = [1, 2, 3].map((u) => ({
      indices: Int32Array.of(0, 1),
      values: Float32Array.of(u, 2 * u),
    }));
    const svd = truncatedSvd(
      rows,
      2,
      { components: 2, oversample: 0, powerIterations: 1 },
      createRng(2),
    );
    expect(svd.k).toBe(1);
    expect(svd.singularValues[0]).toBeCloseTo(Math.sqrt(70), 5);
    // The right singular vector is ±(1, 2)/√5.
    expect(Math.abs(svd.components[0]!)).toBeCloseTo(1 / Math.sqrt(5), 5);
    expect(Math.abs(svd.components[1]!)).toBeCloseTo(2 / Math.sqrt(5), 5);
  });
});

const texts = [
  "payment declined by the card issuer",
  "my card payment was declined",
  "card payment declined at the shop",
  "tool search_flights timed out after 30000 ms",
  "tool search_hotels timed out after 12000 ms",
  "the tool call timed out",
  "refund not showing in my account",
  "where is my refund",
  "refund still not received",
];

describe("the offline LSA embedder", () => {
  it("puts paraphrases closer together than unrelated texts", () => {
    const model = fitLsa(texts, { dimensions: 5 });
    const [a, b, , c, d] = model.embedSync(texts);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!));
    expect(dot(c!, d!)).toBeGreaterThan(dot(c!, b!));
  });

  it("returns l2-normalised vectors of the stated dimensions, deterministically", async () => {
    const one = fitLsa(texts, { dimensions: 4, seed: 7 });
    const two = fitLsa(texts, { dimensions: 4, seed: 7 });
    const v1 = await one.embed(texts);
    const v2 = await two.embed(texts);
    expect(one.dimensions).toBe(4);
    expect(one.id).toBe(two.id);
    for (let i = 0; i < texts.length; i++) {
      expect(v1[i]!.length).toBe(4);
      expect(norm(v1[i]!)).toBeCloseTo(1, 5);
      expect([...v1[i]!]).toEqual([...v2[i]!]);
    }
  });

  it("embeds new texts in the fitted space (a fitted text embeds the same again)", () => {
    const model = fitLsa(texts, { dimensions: 4 });
    const [fitted] = model.embedSync([texts[0]!]);
    const [again] = model.embedSync([texts[0]!]);
    expect([...again!]).toEqual([...fitted!]);
    const [fresh] = model.embedSync(["payment declined for the card"]);
    const all = model.embedSync(texts);
    const nearest = all
      .map((v, i) => [dot(v, fresh!), i] as const)
      .sort((x, y) => y[0] - x[0])[0]![1];
    expect(nearest).toBeLessThan(3);
  });

  it("treats ids and counts alike: digits do not separate the same failure", () => {
    const model = fitLsa(texts, { dimensions: 4 });
    const [a, b] = model.embedSync([
      "tool search_flights timed out after 30000 ms",
      "tool search_flights timed out after 450 ms",
    ]);
    expect(dot(a!, b!)).toBeCloseTo(1, 5);
  });

  it("handles empty, identical, huge and badly decoded texts", () => {
    const broken = `card \uD800 payment \uFFFD declined \u0000\u0007 ${"\uDC00"}`;
    const huge = "card payment declined ".repeat(500_000); // 11 MB
    const model = fitLsa([...texts, "", broken, huge], { dimensions: 4 });
    const [empty, bad, big, clean] = model.embedSync(["", broken, huge, texts[1]!]);
    expect([...empty!].every((x) => x === 0)).toBe(true);
    expect(norm(bad!)).toBeCloseTo(1, 5);
    expect(norm(big!)).toBeCloseTo(1, 5);
    expect(dot(bad!, clean!)).toBeGreaterThan(0.5);
    expect(normalizeText(broken)).not.toMatch(/[\p{Cc}\p{Cs}\uFFFD]/u);
    expect(normalizeText(huge).length).toBe(4000);
  });

  it("keeps the words of a failure that makes most of the set", () => {
    const set = [...new Array(10).fill("tool search_flights timed out"), "refund missing", "x"];
    const [dominant, other] = fitLsa(set).embedSync([set[0]!, "refund missing"]);
    expect(norm(dominant!)).toBeCloseTo(1, 5);
    expect(dot(dominant!, other!)).toBeLessThan(0.5);
  });

  it("copes with nothing to learn from: no texts, all empty, all identical", async () => {
    expect(fitLsa([]).embedSync([])).toEqual([]);
    const empty = fitLsa(["", "", ""]);
    expect(empty.dimensions).toBe(0);
    expect(empty.embedSync(["", "anything"]).map((v) => v.length)).toEqual([0, 0]);
    const same = fitLsa(["tool timed out", "tool timed out", "tool timed out"]);
    const vectors = same.embedSync(["tool timed out", "tool timed out"]);
    expect(same.dimensions).toBe(1);
    expect(dot(vectors[0]!, vectors[1]!)).toBeCloseTo(1, 6);
    const lazy = offlineEmbedder({ dimensions: 3 });
    expect(lazy.model).toBeUndefined();
    await lazy.embed(texts);
    expect(lazy.model?.dimensions).toBe(3);
    expect(lazy.id).toBe(lazy.model?.id);
  });
});
