import { describe, expect, it } from "vitest";
import { createRedactor, ibanValid, isSecretKey, luhnValid, redactSecretTokens } from "./index.js";

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

  it("gives a repeated text the same answer, past the bound on remembered texts too", () => {
    const own = createRedactor({ secrets: ["bench-key-not-a-secret"] });
    const texts = [
      "mail a@b.io",
      "plain",
      "key bench-key-not-a-secret",
      `${"x".repeat(9000)} a@b.io`,
    ];
    const first = texts.map((t) => own.text(t));
    expect(first).toEqual(["mail <EMAIL>", "plain", "key <SECRET>", `${"x".repeat(9000)} <EMAIL>`]);
    for (let i = 0; i < 3000; i++) own.text(`filler ${i} c${i}@d.io`);
    expect(texts.map((t) => own.text(t))).toEqual(first);
    // Each redactor remembers for itself: a disabled one does not answer from another's memory.
    expect(createRedactor({ enabled: false }).text("mail a@b.io")).toBe("mail a@b.io");
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

describe("key-name rules", () => {
  it.each([
    ["api_key", true],
    ["x-api-key", true],
    ["http.request.header.authorization", true],
    ["http.request.header.authorization.0", true],
    ["db.password", true],
    ["clientSecret", true],
    ["AWS_SECRET_ACCESS_KEY", true],
    ["refreshToken", true],
    ["set-cookie", true],
    ["session", true],
    ["credentials", true],
    ["passwd", true],
    ["APIKey", true],
    ["password_hash", true],
    ["gen_ai.usage.input_tokens", false],
    ["llm.token_count.prompt", false],
    ["token_count", false],
    ["max_tokens", false],
    ["session.id", false],
    ["tokenizer", false],
    ["key", false],
    ["monkey", false],
    ["oauth_provider", false],
  ])("%s → %s", (key, secret) => {
    expect(isSecretKey(key)).toBe(secret);
  });

  it.each([
    ['{"user":"bob","password":"hunter2"}', '{"user":"bob","password":"<SECRET>"}'],
    [
      '{\\"user\\":\\"bob\\",\\"password\\":\\"hunter2\\"}',
      '{\\"user\\":\\"bob\\",\\"password\\":\\"<SECRET>\\"}',
    ],
    ["DB_PASSWORD=hunter2 next", "DB_PASSWORD=<SECRET> next"],
    ["/cb?code=1&access_token=abc123&x=1", "/cb?code=1&access_token=<SECRET>&x=1"],
    ["Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic <SECRET>"],
    ["X-Api-Key: 9f8e7d6c5b4a", "X-Api-Key: <SECRET>"],
    ["{'clientSecret': 'abc def'}", "{'clientSecret': '<SECRET>'}"],
    ['{"pin": 1234, "password": 987654}', '{"pin": 1234, "password": <SECRET>}'],
    ['{"token": null, "secret": true}', '{"token": null, "secret": true}'],
    ['{"token_count": 42, "tokens": "many"}', '{"token_count": 42, "tokens": "many"}'],
    ["see https://example.org/a?b=c at 10:30", "see https://example.org/a?b=c at 10:30"],
  ])("masks values under secret names in text: %s", (input, expected) => {
    expect(r.text(input)).toBe(expected);
  });

  it("masks whole values under secret keys in objects, whatever they look like", () => {
    expect(
      r.value({
        metadata: { api_key: "plain-looking-value", agent: "billing", count: 3 },
        credentials: { user: "bob", pin: 4321 },
        args: { password: "hunter2", city: "Paris" },
      }),
    ).toEqual({
      metadata: { api_key: "<SECRET>", agent: "billing", count: 3 },
      credentials: { user: "<SECRET>", pin: "<SECRET>" },
      args: { password: "<SECRET>", city: "Paris" },
    });
  });

  it("redacts personal data in keys", () => {
    expect(r.entry("visits/olivia@example.com", 3)).toEqual(["visits/<EMAIL>", 3]);
  });
});

describe("numbers", () => {
  it.each([
    ["card.number", 4111111111111111, "<CARD>"],
    ["anything", 5500000000000004, "<CARD>"],
    ["contact", 14155550134, "<PHONE>"],
    ["user.phone", 2079460958, "<PHONE>"],
    ["order.id", 4111111111111112, 4111111111111112],
    ["event.time_ms", 1700000000006, 1700000000006],
    ["event.time_s", 1700000000, 1700000000],
    ["gen_ai.usage.input_tokens", 120, 120],
    ["amount", 1234.5, 1234.5],
  ])("%s = %s → %s", (key, value, expected) => {
    expect(r.entry(key, value)[1]).toBe(expected);
  });
});

describe("known secret values", () => {
  const key = "rk-live-9f8e7d6c5b4a39281706"; // no prefix a built-in rule knows
  it("are masked wherever they appear, even with the rules turned off", () => {
    const on = createRedactor({ secrets: [key, "short"] });
    expect(on.text(`echo ${key}!`)).toBe("echo <SECRET>!");
    expect(on.value({ a: [`x${key}`], short: "short" })).toEqual({
      a: ["x<SECRET>"],
      short: "short",
    });
    const off = createRedactor({ enabled: false, secrets: [key] });
    expect(off.text(`${key} and a@b.io`)).toBe("<SECRET> and a@b.io");
    expect(off.active).toBe(true);
    expect(createRedactor({ enabled: false }).active).toBe(false);
  });
});

describe("key=value scanning on adversarial input", () => {
  // Each `:` looks back at most 64 name characters and forward to the next quote.
  it("stays linear on many secret names with unclosed quotes", () => {
    const text = `${'"password":"x '.repeat(100_000)}end`;
    expect(r.text(text).endsWith("end")).toBe(true);
  });
  it("stays linear on a long name run before a separator", () => {
    const text = `${"a".repeat(500_000)}_password=1 ${"token:".repeat(100_000)}`;
    expect(r.text(text)).toContain("token:");
  });
});
