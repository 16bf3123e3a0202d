import { describe, expect, it } from "vitest";
import { levenshtein, levenshteinDp, levenshteinSimilarity, rougeL, tokens } from "../strings.js";
import { grade } from "../testing.js";
import { parseNumbers } from "./numeric.js";

const withExpected = (output: string, expected: string) => ({
  output,
  case: {
    id: "c",
    input: "q",
    assertions: [],
    tags: [],
    severity: "blocking" as const,
    expected: { output: expected },
  },
});

describe("levenshtein", () => {
  it("matches the textbook distances", () => {
    // Wikipedia, "Levenshtein distance": kitten → sitting = 3, flaw → lawn = 2.
    expect(levenshtein("kitten", "sitting")).toBe(3);
    expect(levenshtein("sitting", "kitten")).toBe(3);
    expect(levenshtein("flaw", "lawn")).toBe(2);
    expect(levenshtein("", "abc")).toBe(3);
    expect(levenshtein("same", "same")).toBe(0);
    expect(levenshteinSimilarity("kitten", "sitting")).toBeCloseTo(1 - 3 / 7, 12);
    expect(levenshteinSimilarity("", "")).toBe(1);
  });

  it("passes near-identical output and reports the similarity", () => {
    const s = grade(
      { type: "levenshtein", value: "Order shipped", threshold: 0.8 },
      {
        output: "order  shiped",
      },
    );
    expect(s.passed).toBe(true);
    expect(s.score).toBeCloseTo(1 - 1 / 13, 12);
    const f = grade(
      { type: "levenshtein", value: "kitten", threshold: 0.8 },
      { output: "sitting" },
    );
    expect(f).toMatchObject({ passed: false });
    expect(f.score).toBeCloseTo(1 - 3 / 7, 12);
    expect(f.reason).toContain("edit similarity 0.571 < 0.8");
  });

  it("falls back to expected.output and takes the best of several values", () => {
    expect(grade({ type: "levenshtein" }, withExpected("Paris", "paris")).score).toBe(1);
    const s = grade({ type: "levenshtein", value: ["London", "Pariss"] }, { output: "Paris" });
    expect(s.score).toBeCloseTo(1 - 1 / 6, 12);
    expect(grade({ type: "levenshtein" }, { output: "x" }).reason).toMatch(/no `value`/);
  });
});

describe("rouge-l", () => {
  it("reproduces Lin (2004)'s worked example", () => {
    // ROUGE paper, section 3.1: reference "police killed the gunman"; S2 "police kill the
    // gunman" has LCS 3 → ROUGE-L 3/4; S3 "the gunman kill police" has LCS 2 → 1/2.
    const ref = tokens("police killed the gunman");
    expect(rougeL(tokens("police kill the gunman"), ref).f).toBeCloseTo(0.75, 12);
    expect(rougeL(tokens("the gunman kill police"), ref).f).toBeCloseTo(0.5, 12);
  });

  it("computes P, R and F from a hand-counted LCS", () => {
    // candidate 6 tokens, reference 4, LCS "the cat on mat" = 4 → P 4/6, R 1, F1 0.8.
    const r = rougeL(tokens("the cat sat on the mat"), tokens("the cat on mat"));
    expect(r.lcs).toBe(4);
    expect(r.precision).toBeCloseTo(4 / 6, 12);
    expect(r.recall).toBe(1);
    expect(r.f).toBeCloseTo(0.8, 12);
  });

  it("grades against the threshold, with β weighting recall", () => {
    const s = grade(
      { type: "rouge-l", value: "police killed the gunman", threshold: 0.7 },
      { output: "Police kill the gunman." },
    );
    expect(s).toMatchObject({ passed: true, score: 0.75 });
    const f = grade(
      { type: "rouge-l", value: "police killed the gunman", threshold: 0.7 },
      { output: "the gunman kill police" },
    );
    expect(f).toMatchObject({ passed: false, score: 0.5 });
    // β = 2: F = 5PR / (4P + R) with P = 4/6, R = 1 → (10/3) / (11/3) = 10/11.
    const b = grade(
      { type: "rouge-l", value: "the cat on mat", beta: 2 },
      {
        output: "the cat sat on the mat",
      },
    );
    expect(b.score).toBeCloseTo(10 / 11, 12);
  });
});

describe("numeric", () => {
  it("parses signed, decimal, thousands-separated and exponent numbers, not identifiers", () => {
    expect(parseNumbers("Total: 1,234.50 EUR, change −3, ratio 2e3, order A17, v2")).toEqual([
      1234.5, -3, 2000,
    ]);
  });

  it("reads the last number by default and applies tolerances", () => {
    expect(
      grade({ type: "numeric", value: 42 }, { output: "Of 3 boxes, the total is 42." }).passed,
    ).toBe(true);
    expect(
      grade({ type: "numeric", value: 9.8066, abs_tol: 0.01 }, { output: "g ≈ 9.81" }).passed,
    ).toBe(true);
    expect(
      grade({ type: "numeric", value: 1000, rel_tol: 0.05 }, { output: "about 1,040" }).passed,
    ).toBe(true);
    const f = grade({ type: "numeric", value: 1000, rel_tol: 0.01 }, { output: "about 1,040" });
    expect(f.passed).toBe(false);
    expect(f.reason).toBe("read 1040 (last number), expected 1000 ± 10; off by 40");
  });

  it("supports pick first / only / any and a capture pattern", () => {
    const out = "Items: 3. Total: 42.";
    expect(grade({ type: "numeric", value: 3, pick: "first" }, { output: out }).passed).toBe(true);
    expect(grade({ type: "numeric", value: 3, pick: "any" }, { output: out }).passed).toBe(true);
    expect(grade({ type: "numeric", value: 42, pick: "only" }, { output: out }).reason).toMatch(
      /exactly one number, found 2/,
    );
    expect(
      grade({ type: "numeric", value: 3, pattern: "items:\\s*(\\S+)" }, { output: out }).passed,
    ).toBe(true);
    expect(grade({ type: "numeric", value: 1 }, { output: "none" }).reason).toMatch(/no number/);
  });

  it("takes the expected number from expected.output", () => {
    expect(grade({ type: "numeric" }, withExpected("It is 12.", "12")).passed).toBe(true);
  });
});

describe("json-diff", () => {
  const value = { id: "o1", status: "shipped", items: [{ sku: "A", qty: 2 }], tags: [] };
  it("scores the fraction of matching leaves and lists the first differing paths", () => {
    const s = grade(
      { type: "json-diff", value },
      {
        output: JSON.stringify({
          id: "o1",
          status: "pending",
          items: [{ sku: "A", qty: 3 }],
          tags: [],
        }),
      },
    );
    // Leaves: id, status, items[0].sku, items[0].qty, tags ([] is a leaf) → 3 of 5 match.
    expect(s.score).toBeCloseTo(3 / 5, 12);
    expect(s.passed).toBe(false);
    expect(s.reason).toBe(
      '3 of 5 leaves match (60%); $.status: expected "shipped", got "pending"; $.items[0].qty: expected 2, got 3',
    );
  });

  it("counts missing subtrees and extra keys, unless ignore_extra", () => {
    const out = JSON.stringify({ id: "o1", status: "shipped", tags: [], extra: 1 });
    const s = grade({ type: "json-diff", value }, { output: out });
    // 3 matching of 2 (missing items leaves) + 3 + 1 (extra) = 6.
    expect(s.score).toBeCloseTo(3 / 6, 12);
    expect(s.reason).toContain("$.items: missing");
    expect(s.reason).toContain("$.extra: unexpected (value 1)");
    const t = grade(
      { type: "json-diff", value, ignore_extra: true, threshold: 0.5 },
      { output: out },
    );
    expect(t.score).toBeCloseTo(3 / 5, 12);
    expect(t.passed).toBe(true);
  });

  it("passes identical JSON (key order ignored) and explains unparsable output", () => {
    const same = JSON.stringify({
      tags: [],
      items: [{ qty: 2, sku: "A" }],
      status: "shipped",
      id: "o1",
    });
    expect(grade({ type: "json-diff", value }, { output: same })).toMatchObject({
      passed: true,
      score: 1,
    });
    expect(grade({ type: "json-diff", value }, { output: "```json\n{}\n```" }).reason).toMatch(
      /^output is not valid JSON/,
    );
  });
});

describe("list-contains", () => {
  it("reads bullets, numbering and JSON arrays", () => {
    const bullets = "Here you go:\n- Paris\n- Lyon\n* Marseille\n1. Nice";
    // "Here you go:" is an item too, harmless with allow_extra.
    expect(
      grade({ type: "list-contains", value: ["paris", "nice"] }, { output: bullets }).passed,
    ).toBe(true);
    expect(
      grade({ type: "list-contains", value: ["Lyon"] }, { output: '["Paris", "Lyon"]' }).passed,
    ).toBe(true);
    expect(
      grade({ type: "list-contains", value: ["Lyon", "Nice"] }, { output: "Paris, Lyon and Nice" })
        .passed,
    ).toBe(true);
  });

  it("gives partial credit and names what is missing", () => {
    const s = grade(
      { type: "list-contains", value: ["Paris", "Rome", "Oslo"] },
      { output: "- Paris\n- Lyon" },
    );
    expect(s.score).toBeCloseTo(1 / 3, 12);
    expect(s.reason).toBe('list missing "Rome", "Oslo" (found 1 of 3)');
  });

  it("fuzzy matches typos only when asked", () => {
    const out = "- Marseile\n- Bordeau";
    expect(
      grade({ type: "list-contains", value: ["Marseille", "Bordeaux"] }, { output: out }).passed,
    ).toBe(false);
    expect(
      grade(
        { type: "list-contains", value: ["Marseille", "Bordeaux"], fuzzy: true },
        { output: out },
      ).passed,
    ).toBe(true);
  });

  it("any / allow_extra", () => {
    const out = "- a\n- b\n- c";
    expect(
      grade({ type: "list-contains", value: ["z", "b"], match: "any" }, { output: out }).passed,
    ).toBe(true);
    const s = grade(
      { type: "list-contains", value: ["a", "b"], allow_extra: false },
      { output: out },
    );
    expect(s.passed).toBe(false);
    expect(s.reason).toContain('unexpected "c"');
  });
});

describe("bit-parallel levenshtein", () => {
  it("agrees with the plain DP on random strings across block boundaries", () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const word = (alphabet: string, len: number) =>
      Array.from({ length: len }, () => alphabet[rand(alphabet.length)]).join("");
    for (let t = 0; t < 400; t++) {
      const alphabet = t % 2 ? "ab" : "abcdefghij ";
      const a = word(alphabet, rand(80));
      const b = word(alphabet, rand(140));
      expect(levenshtein(a, b), `${a} | ${b}`).toBe(levenshteinDp(a, b));
    }
    for (const n of [31, 32, 33, 63, 64, 65]) {
      const a = "x".repeat(n);
      expect(levenshtein(a, `${a}y`)).toBe(1);
      expect(levenshtein(a, "y".repeat(n))).toBe(n);
    }
  });
});
