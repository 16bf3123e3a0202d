import { describe, expect, it } from "vitest";
import { labelSetHash, parseLabels } from "./labels.js";

const row = (id: string, output: string, label: unknown) =>
  JSON.stringify({ id, input: "Where is ORD-1?", output, label });

describe("labelSetHash", () => {
  const base = parseLabels(
    [row("a", "shipped", "pass"), row("b", "lost", "fail")].join("\n"),
    "a.jsonl",
  );
  it("ignores ids, row order, file name and label spelling", () => {
    const same = parseLabels(
      [row("y", "lost", false), "", row("x", "shipped", true)].join("\n"),
      "b.jsonl",
    );
    expect(labelSetHash(same)).toBe(labelSetHash(base));
  });
  it("changes with any item or label", () => {
    const flipped = parseLabels(
      [row("a", "shipped", "fail"), row("b", "lost", "fail")].join("\n"),
      "a.jsonl",
    );
    const edited = parseLabels(
      [row("a", "shipped!", "pass"), row("b", "lost", "fail")].join("\n"),
      "a.jsonl",
    );
    const more = parseLabels(
      [row("a", "shipped", "pass"), row("b", "lost", "fail"), row("c", "lost", "fail")].join("\n"),
      "a.jsonl",
    );
    const hashes = new Set([base, flipped, edited, more].map(labelSetHash));
    expect(hashes.size).toBe(4);
  });
});
