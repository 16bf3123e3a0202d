import { describe, expect, it } from "vitest";
import { createRedactor, ibanValid, luhnValid, redactSecretTokens } from "./index.js";

const r = createRedactor();

describe("checks", () => {
  it("Luhn accepts real test card numbers and rejects a changed digit", () => {
    expect(luhnValid("4111 1111 1111 1111")).toBe(true);
    expect(luhnValid("5500-0000-0000-0004")).toBe(true);
    expect(luhnValid("4111 1111 1111 1112")).toBe(false);
  });
  it("IBAN mod-97 accepts published examples and rejects a changed digit", () => {
    expect(ibanValid("GB82 WEST 1234 5698 7654 32")).toBe(true);
    expect(ibanValid("DE89370400440532013000")).toBe(true);
    expect(ibanValid("DE89370400440532013001")).toBe(false);
  });
});

describe("redactor", () => {
  it.each([
    ["mail me at jane.doe+x@example.co.uk please", "mail me at <EMAIL> please"],
    ["call +1 415 555 0134 now", "call <PHONE> now"],
    ["call (415) 555-0134 now", "call <PHONE> now"],
    ["card 4111 1111 1111 1111 ok", "card <CARD> ok"],
    ["iban GB82 WEST 1234 5698 7654 32.", "iban <IBAN>."],
    ["key sk-proj-abcdefghijklmnop1234 used", "key <SECRET> used"],
    ["key sk-ant-api03-abcdefghijk_XYZ used", "key <SECRET> used"],
    ["aws AKIAIOSFODNN7EXAMPLE", "aws <SECRET>"],
    ["gh ghp_abcdefghijklmnopqrstuvwxyz0123456789", "gh <SECRET>"],
    ["slack xoxb-1234567890-abcdefghij", "slack <SECRET>"],
    ["Authorization: Bearer abc.def-ghi_jkl", "Authorization: Bearer <SECRET>"],
    [
      "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
      "jwt <SECRET>",
    ],
  ])("%s", (input, expected) => {
    expect(r.text(input)).toBe(expected);
  });

  it("leaves ids, dates, amounts and non-Luhn digit runs alone", () => {
    const text =
      "reservation ZFA04Y on 2024-05-15 15:00, $1,234.50, order 1234567812345678, user mia_li_3668";
    expect(r.text(text)).toBe(text);
  });

  it("applies custom patterns with a typed placeholder", () => {
    const custom = createRedactor({ patterns: [{ name: "customer id", regex: "CUST-\\d{6}" }] });
    expect(custom.text("for CUST-123456 and a@b.io")).toBe("for <CUSTOMER_ID> and <EMAIL>");
  });

  it("rejects a custom regex that does not compile, naming it", () => {
    expect(() => createRedactor({ patterns: [{ name: "bad", regex: "(" }] })).toThrow(/"bad"/);
  });

  it("redacts deep values and can be disabled", () => {
    expect(r.value({ a: ["x@y.com", 3], b: { c: "sk-abcdefghijklmnopqrst" } })).toEqual({
      a: ["<EMAIL>", 3],
      b: { c: "<SECRET>" },
    });
    expect(createRedactor({ enabled: false }).text("x@y.com")).toBe("x@y.com");
  });

  it("secret-only mode keeps e-mails", () => {
    expect(redactSecretTokens("x@y.com sk-abcdefghijklmnopqrst")).toBe("x@y.com <SECRET>");
  });
});

describe("redactor on adversarial input", () => {
  // Before the local part was bounded this took minutes (quadratic rescans), so the test's
  // own timeout is what fails; there is no timing assertion.
  it("scans a long dotted run with an @ in the text in linear time", () => {
    const text = `reach me @ ${"a.".repeat(200_000)} or at ${"x".repeat(60)}@example.com`;
    const out = r.text(text);
    expect(out.endsWith("or at <EMAIL>")).toBe(true);
    expect(out).not.toContain("example.com");
  });
});

describe("JWT rule on adversarial input", () => {
  const jwt =
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
  // Before runs were scanned once this took minutes (every `eyJ` rescanned the run).
  it("scans a long `eyJ-eyJ-…` run without a dot in linear time", () => {
    const text = `${"eyJ-".repeat(100_000)} then ${jwt}`;
    expect(r.text(text).endsWith(" then <SECRET>")).toBe(true);
  });
  it.each([
    [`tok-${jwt} x`, "tok-<SECRET> x"],
    [`a.${jwt}`, "a.<SECRET>"],
    [`pre.eyJabc.${jwt}`, "pre.eyJabc.<SECRET>"],
    [`x_${jwt}`, `x_${jwt}`],
  ])("keeps the same matches: %s", (input, expected) => {
    expect(r.text(input)).toBe(expected);
  });
});
