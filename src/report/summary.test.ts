import { describe, expect, it } from "vitest";
import type { Attempt } from "../core/index.js";
import {
  countErrorClasses,
  renderFailures,
  renderSummaryTable,
  renderTable,
  stripAnsi,
  visibleWidth,
} from "./index.js";
import { makeAttempt, nastyAttempts, nastyRun } from "./test-support/fixtures.js";

function gen(items: Attempt[], seen = { count: 0 }) {
  return (async function* () {
    for (const item of items) {
      seen.count += 1;
      yield item;
    }
  })();
}

describe("renderTable", () => {
  it("aligns columns left and right and ignores ANSI codes when measuring", () => {
    const out = renderTable(
      ["name", "n"],
      [
        ["\u001b[31mred\u001b[0m", "5"],
        ["longer name", "12345"],
      ],
      { align: ["left", "right"] },
    );
    const lines = out.split("\n").map(stripAnsi);
    expect(lines).toHaveLength(4);
    // Right-aligned numbers end in the same column; the dashed rule spans each column.
    const ends = lines.map((l) => l.length);
    expect(new Set(ends).size).toBe(1);
    expect(lines[1]).toBe(`${"-".repeat("longer name".length)}  ${"-".repeat(5)}`);
  });

  it("shrinks the widest column to fit maxWidth with an ellipsis", () => {
    const long = "x".repeat(80);
    const out = renderTable(["a", "b"], [["short", long]], { maxWidth: 40 });
    for (const line of out.split("\n")) expect(visibleWidth(line)).toBeLessThanOrEqual(40);
    expect(out).toContain("…");
    expect(out).toContain("short");
  });

  it("pads missing cells and flattens newlines", () => {
    const out = renderTable(["a", "b", "c"], [["1"], ["x\ny", "2", "3"]]);
    expect(out.split("\n")).toHaveLength(4);
    expect(out).toContain("x y");
  });
});

describe("renderSummaryTable", () => {
  it("says FAIL under the threshold and PASS at or above it", () => {
    const fail = renderSummaryTable(nastyRun({ threshold: 0.8 }));
    expect(fail).toMatch(/threshold 0\.800\s+FAIL/);
    const pass = renderSummaryTable(nastyRun({ threshold: 0.5 }));
    expect(pass).toMatch(/threshold 0\.500\s+PASS/);
    expect(renderSummaryTable(nastyRun({ threshold: undefined }))).toContain("no threshold");
  });

  it("shows totals, latencies, each scored dimension and error classes", () => {
    const out = renderSummaryTable(nastyRun(), { errorClasses: { timeout: 1, rate_limit: 0 } });
    for (const text of [
      "50.0%",
      "$0.0048",
      "975 ms",
      "25.00 s",
      "29.00 s",
      "accuracy",
      "0.667",
      "tool_use",
      "timeout 1",
    ]) {
      expect(out).toContain(text);
    }
    expect(out).not.toContain("rate_limit");
    expect(out).not.toContain("safety");
  });

  it("uses ANSI only when asked and keeps every line within the width", () => {
    expect(renderSummaryTable(nastyRun())).not.toContain("\u001b[");
    const colored = renderSummaryTable(nastyRun(), { color: true, width: 60 });
    expect(colored).toContain("\u001b[31;1mFAIL");
    for (const line of colored.split("\n")) expect(visibleWidth(line)).toBeLessThanOrEqual(60);
  });

  it("keeps control characters in user text away from the terminal", () => {
    const out = renderSummaryTable(nastyRun({ suite: "evil\u001b]0;title\u0007" }));
    expect(out).not.toContain("\u001b");
    expect(out).toContain("evil\\x1b]0;title\\x07");
  });

  it("handles a run without totals", () => {
    expect(renderSummaryTable(nastyRun({ totals: undefined }))).toContain("No totals");
  });
});

describe("renderFailures", () => {
  it("lists the first N failures with reasons and stops reading after that", async () => {
    const attempts = [
      ...nastyAttempts(),
      ...Array.from({ length: 50 }, (_, i) =>
        makeAttempt({ id: `x${i}`, case_id: `c${i}`, status: "failed" }),
      ),
    ];
    const seen = { count: 0 };
    const out = await renderFailures(gen(attempts, seen), 2);
    expect(out).toContain("refund multi-line #1");
    expect(out).toContain('contains (accuracy): missing "refund"');
    expect(out).toContain("error timeout: took too long");
    expect(out).not.toContain("greet");
    expect(out).toContain("more failures not shown");
    expect(out).not.toContain("\u001b");
    // Reads up to the third failure (to know there are more), never the 50 after it.
    expect(seen.count).toBe(5);
  });

  it("says so when nothing failed", async () => {
    expect(await renderFailures(gen([makeAttempt({ id: "a", case_id: "a" })]), 5)).toBe(
      "No failures.",
    );
  });

  it("countErrorClasses counts per class", async () => {
    expect(await countErrorClasses(gen(nastyAttempts()))).toEqual({ timeout: 1 });
  });
});

describe("renderSummaryTable with compared models", () => {
  it("shows each model's score, pass rate, blocking failures and verdict", () => {
    const run = nastyRun();
    const base = run.totals!;
    const variant = (passed: boolean, failures: string[], passRate: number) => ({
      ...base,
      pass_rate: passRate,
      verdict: {
        passed,
        score: 0.9,
        threshold: 0.8,
        reasons: passed ? [] : ["1 blocking case failed: d"],
        blocking_failures: failures,
        warning_failures: 0,
        exploratory_failures: 0,
      },
    });
    run.totals = {
      ...base,
      variants: { "sim:good": variant(true, [], 1), "sim:bad": variant(false, ["d"], 0.75) },
    };
    const text = renderSummaryTable(run, { width: 200 });
    expect(text).toMatch(/sim:good .*pass rate 100\.0% · 0 blocking failures · PASS/);
    expect(text).toMatch(/sim:bad .*pass rate 75\.0% · 1 blocking failure · FAIL/);
  });
});
