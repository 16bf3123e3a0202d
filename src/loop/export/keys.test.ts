import { describe, expect, it } from "vitest";
import { digest, isValidation, normalizedTurns } from "./keys.js";
import { exportRedactor } from "./redaction.js";
import { toolConversation } from "./test-support.js";

describe("de-duplication keys", () => {
  it("ignore tool-call ids, case and spacing, but not the words", () => {
    const a = digest(normalizedTurns(toolConversation("Where is ORD-1001?", "Shipped.", "call_1")));
    const b = digest(
      normalizedTurns(toolConversation("where is  ORD-1001? ", "Shipped.", "call_2")),
    );
    const c = digest(normalizedTurns(toolConversation("Where is ORD-1002?", "Shipped.", "call_1")));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });
});

describe("isValidation", () => {
  it("is a pure function of group and seed, near the share over many groups", () => {
    const groups = Array.from({ length: 2000 }, (_, i) => `case:${i}`);
    const first = groups.map((g) => isValidation(g, 7, 0.1));
    expect(groups.map((g) => isValidation(g, 7, 0.1))).toEqual(first);
    const share = first.filter(Boolean).length / groups.length;
    // Binomial(2000, 0.1): sd ≈ 0.0067; 0.06..0.14 is six sd either side.
    expect(share).toBeGreaterThan(0.06);
    expect(share).toBeLessThan(0.14);
    const other = groups.map((g) => isValidation(g, 8, 0.1));
    expect(other).not.toEqual(first);
    expect(groups.some((g) => isValidation(g, 7, 0))).toBe(false);
  });
});

describe("exportRedactor", () => {
  const text =
    "Mail jane.doe@example.com or call +44 20 7946 0958; key sk-proj-abcdefghijklmnop1234";

  it("masks personal data and secrets by default, even when the config turned redaction off", () => {
    const r = exportRedactor({ enabled: false }, true);
    expect(r.text(text)).toBe("Mail <EMAIL> or call <PHONE>; key <SECRET>");
  });

  it("without masking personal data, still masks secrets: patterns, names and known values", () => {
    const r = exportRedactor({ secrets: ["hunter2-very-secret"] }, false);
    expect(r.text(text)).toBe("Mail jane.doe@example.com or call +44 20 7946 0958; key <SECRET>");
    expect(r.text("password=swordfish and hunter2-very-secret")).toBe(
      "password=<SECRET> and <SECRET>",
    );
    expect(r.value({ api_key: "plain", nested: { token: 12345 }, email: "a@b.co" })).toEqual({
      api_key: "<SECRET>",
      nested: { token: "<SECRET>" },
      email: "a@b.co",
    });
  });
});
