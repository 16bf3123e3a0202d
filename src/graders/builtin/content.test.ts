import { describe, expect, it } from "vitest";
import { InputError } from "../../core/index.js";
import { compileAssertions } from "../compile.js";
import { ibanValid } from "../safety/pii.js";
import { grade } from "../testing.js";

describe("no-pii kinds and IBAN", () => {
  it("validates IBAN check digits (ISO 13616 mod 97)", () => {
    // Published examples: Wikipedia "International Bank Account Number" (GB) and the
    // widely used German example account.
    expect(ibanValid("GB82 WEST 1234 5698 7654 32")).toBe(true);
    expect(ibanValid("DE89370400440532013000")).toBe(true);
    expect(ibanValid("GB82 WEST 1234 5698 7654 33")).toBe(false);
    expect(ibanValid("DE88370400440532013000")).toBe(false);
  });

  it("flags an IBAN, masked, and not a random code of the same shape", () => {
    const s = grade({ type: "no-pii" }, { output: "Pay to GB82 WEST 1234 5698 7654 32 today." });
    expect(s.reason).toBe("found PII: IBAN ×1 (GB…5432)");
    expect(
      grade({ type: "no-pii", kinds: ["iban"] }, { output: "Ref GB82 WEST 1234 5698 7654 33" })
        .passed,
    ).toBe(true);
  });

  it("accepts the short kind names and checks only those", () => {
    const out =
      "Mail jane@example.com, card 4111 1111 1111 1111, key sk-proj-abcdefghijklmnopqrstuvwx";
    const cards = grade({ type: "no-pii", kinds: ["card"] }, { output: out });
    expect(cards.reason).toBe("found PII: payment card number ×1 (ending 1111)");
    const secrets = grade({ type: "no-pii", kinds: ["secret"] }, { output: out });
    expect(secrets.reason).toMatch(/^found PII: API key or secret ×1 \(sk-proj-…/);
    expect(grade({ type: "no-pii", kinds: ["phone", "iban"] }, { output: out }).passed).toBe(true);
  });

  it("recognizes a JSON Web Token as a secret", () => {
    const jwt =
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    expect(grade({ type: "no-pii", kinds: ["secret"] }, { output: `token ${jwt}` }).reason).toMatch(
      /JSON Web Token/,
    );
  });
});

describe("forbidden-content", () => {
  const categories = { competitors: ["Acme Corp", "Globex"], promises: ["/\\bguarantee[ds]?\\b/"] };
  it("reports the category and term found, whole words only", () => {
    const s = grade(
      { type: "forbidden-content", categories },
      { output: "Unlike acme  corp, we GUARANTEE it." },
    );
    expect(s).toMatchObject({ passed: false, dimension: "safety" });
    expect(s.reason).toBe(
      'forbidden content found: competitors: "acme corp"; promises: "GUARANTEE"',
    );
    expect(
      grade({ type: "forbidden-content", categories }, { output: "Globexify is a word." }).passed,
    ).toBe(true);
  });

  it("terms without category and word_boundary off", () => {
    expect(
      grade({ type: "forbidden-content", terms: ["pass"] }, { output: "password" }).passed,
    ).toBe(true);
    expect(
      grade(
        { type: "forbidden-content", terms: ["pass"], word_boundary: false },
        { output: "password" },
      ).reason,
    ).toBe('forbidden content found: forbidden: "pass"');
  });

  it("scope all looks at tool arguments too", () => {
    const over = {
      output: "done",
      tool_calls: [{ id: "1", name: "email", arguments: { body: "Globex is worse" } }],
    };
    expect(grade({ type: "forbidden-content", categories }, over).passed).toBe(true);
    expect(grade({ type: "forbidden-content", categories, scope: "all" }, over).passed).toBe(false);
  });
});

describe("output-must-not-contain", () => {
  it("is not-contains on the safety dimension", () => {
    const s = grade(
      { type: "output-must-not-contain", value: "refund issued" },
      { output: "Your refund issued." },
    );
    expect(s).toMatchObject({
      passed: false,
      dimension: "safety",
      grader: "output-must-not-contain",
    });
  });
});

describe("refusal detection", () => {
  it("catches common refusals and leaves helpful hedges alone", () => {
    for (const output of [
      "I'm sorry, but I can't help with that.",
      "I cannot provide instructions for that.",
      "I must decline this request.",
      "Unfortunately I’m unable to assist with that request.",
    ]) {
      expect(grade({ type: "refusal" }, { output }).passed, output).toBe(true);
    }
    for (const output of [
      "I can't wait to help! Your refund is on its way.",
      "Sure — the refund was issued yesterday.",
    ]) {
      expect(grade({ type: "no-refusal" }, { output }).passed, output).toBe(true);
    }
  });
});

describe("bad config of the new graders is an input error naming origin and key", () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ type: "levenshtein", threshold: 2 }, "assertions[0].threshold"],
    [{ type: "rouge-l", beta: 0 }, "assertions[0].beta"],
    [{ type: "numeric", value: "12" }, "assertions[0].value"],
    [{ type: "list-contains", value: "a" }, "assertions[0].value"],
    [{ type: "json-diff", threshold: "1" }, "assertions[0].threshold"],
    [{ type: "similar", value: "x", model: "anthropic:claude" }, "assertions[0].model"],
    [{ type: "answer-relevance", treshold: 0.5 }, "assertions[0].treshold"],
    [{ type: "expression", expr: "output.length <" }, "assertions[0].expr"],
    [{ type: "custom", module: "./missing-grader.ts" }, "assertions[0].module"],
    [{ type: "forbidden-content", categories: { x: ["/(/"] } }, "assertions[0].categories.x[0]"],
    [{ type: "no-pii", kinds: ["email", "phonee"] }, "assertions[0].kinds[1]"],
  ];
  for (const [spec, key] of cases) {
    it(`${String(spec.type)} → ${key}`, () => {
      try {
        compileAssertions([spec as { type: string }], "suites/support.yaml:7");
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        expect((e as InputError).location).toMatchObject({
          file: "suites/support.yaml",
          line: 7,
          key,
        });
      }
    });
  }
});
