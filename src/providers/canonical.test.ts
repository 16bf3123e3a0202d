import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical.js";

describe("canonicalJson", () => {
  it("is the same text whatever the key order", () => {
    const a = { b: 1, a: { y: [1, { q: 2, p: 3 }], x: "s" } };
    const b = { a: { x: "s", y: [1, { p: 3, q: 2 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });

  it("reads back as the value itself for plain JSON, with keys sorted", () => {
    const value = { z: [true, null, -1.5, 'a"\n\u2028'], m: {}, a: [[], { k: "v" }] };
    const text = canonicalJson(value);
    expect(JSON.parse(text)).toEqual(value);
    expect(Object.keys(JSON.parse(text))).toEqual(["a", "m", "z"]);
  });

  it("drops undefined and functions in objects and nulls them in arrays, like JSON", () => {
    const value = { a: undefined, b: () => 1, c: [undefined, () => 1, 2], d: 1 };
    expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it("spells bytes, URLs, dates, bigints and non-finite numbers as strings", () => {
    const value = {
      bytes: new Uint8Array([104, 105]),
      url: new URL("http://example.test/a"),
      date: new Date(Date.UTC(2020, 0, 1)),
      big: 12n,
      inf: Number.POSITIVE_INFINITY,
    };
    expect(JSON.parse(canonicalJson(value))).toEqual({
      big: "12",
      bytes: { $bytes: Buffer.from("hi").toString("base64") },
      date: { $date: "2020-01-01T00:00:00.000Z" },
      inf: "Infinity",
      url: { $url: "http://example.test/a" },
    });
  });
});
