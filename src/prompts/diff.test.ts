import { describe, expect, it } from "vitest";
import { diffLines, unifiedDiff } from "./diff.js";

describe("line diff", () => {
  it("matches GNU diff -u hunk for hunk", () => {
    // Expected text from: printf 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n' > 1; printf 'a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n' > 2; diff -u 1 2
    const a = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n";
    const b = "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n";
    expect(unifiedDiff(a, b, { from: "1", to: "2" })).toBe(
      "--- 1\n+++ 2\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -9,3 +9,4 @@\n i\n j\n k\n+l\n",
    );
  });

  it("joins changes closer than twice the context into one hunk", () => {
    // diff -u of "1..8" against the same with lines 2 and 7 changed: one hunk -1,8 +1,8.
    const a = "1\n2\n3\n4\n5\n6\n7\n8\n";
    const b = "1\nX\n3\n4\n5\n6\nY\n8\n";
    expect(unifiedDiff(a, b, { from: "a", to: "b" }).split("\n")[2]).toBe("@@ -1,8 +1,8 @@");
  });

  it("is a shortest edit script, and empty for equal texts", () => {
    const script = diffLines("x\ny\nz\n", "y\nz\nw\n");
    expect(script.filter((l) => l.op !== " ")).toEqual([
      { op: "-", text: "x" },
      { op: "+", text: "w" },
    ]);
    expect(unifiedDiff("same\n", "same\n", { from: "a", to: "b" })).toBe("");
    // diff -u of an empty file against "new\n": @@ -0,0 +1 @@
    expect(unifiedDiff("", "new\n", { from: "a", to: "b" })).toBe(
      "--- a\n+++ b\n@@ -0,0 +1 @@\n+new\n",
    );
  });
});
