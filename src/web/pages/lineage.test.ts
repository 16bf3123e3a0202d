import { describe, expect, it } from "vitest";
import { lineageGraph } from "./lineage.js";

const v = (hash: string, parents: string[], author_kind = "human") => ({
  hash: hash.repeat(16),
  parents: parents.map((p) => p.repeat(16)),
  author: author_kind === "human" ? "ann" : "optimizer",
  author_kind,
});

describe("lineage graph", () => {
  it("keeps a straight run in one lane, forks a sibling into a new one, and joins a merge", async () => {
    const versions = [v("a", []), v("b", ["a"], "optimizer"), v("c", ["a"]), v("d", ["b", "c"])];
    const svg = String(
      await lineageGraph("support", versions, (h) => (h.startsWith("d") ? ["production"] : [])),
    );
    const dots = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    // a, b and d in the first lane; c, a's second child, in the next; one row each.
    expect(dots).toEqual([
      [14, 14],
      [14, 40],
      [36, 66],
      [14, 92],
    ]);
    expect(svg.match(/<path /g)).toHaveLength(4);
    expect(svg).toContain('href="/prompts/support/dddddddddddddddd"');
    expect(svg).toContain("[production]");
    // The optimizer's version is drawn in its own colour; the labelled one ringed.
    expect(svg).toMatch(/cy="40" r="6" fill="#6d28d9"/);
    expect(svg).toMatch(/cy="92" r="6" fill="#0b57d0" stroke="#1b1f24"/);
  });

  it("stubs a parent older than the versions drawn and draws nothing for no versions", async () => {
    const svg = String(await lineageGraph("support", [v("e", ["z"])], () => []));
    expect(svg).toContain('stroke-dasharray="3 2"');
    expect(String(await lineageGraph("support", [], () => []))).toBe("");
  });
});
