import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Run } from "../core/index.js";
import { renderSummaryTable, writeReport } from "./index.js";
import { nastyAttempts, nastyRun, source } from "./test-support/fixtures.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ratchet-verdict-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Score above the threshold, yet a blocking case failed: the run failed (exit 1). */
function blockedRun(): Run {
  const run = nastyRun({ threshold: 0.4 });
  run.totals!.verdict = {
    passed: false,
    score: 0.5,
    threshold: 0.4,
    reasons: ["blocking case refund-1 failed"],
    blocking_failures: ["refund-1"],
    warning_failures: 0,
    exploratory_failures: 0,
  };
  return run;
}

async function render(name: string, run: Run) {
  const path = join(dir, name);
  await writeReport(path, run, source(nastyAttempts()));
  return readFile(path, "utf8");
}

describe("the run verdict in every report", () => {
  it("a failed stored verdict is FAIL even when the score clears the threshold", async () => {
    const run = blockedRun();
    expect(renderSummaryTable(run)).toMatch(/threshold 0\.400\s+FAIL/);
    const md = await render("r.md", run);
    expect(md).toContain("threshold 0.400: **FAIL**");
    expect(md).not.toContain("**PASS**");
    const page = await render("r.html", run);
    expect(page).toContain("threshold 0.400: not met");
    expect(page).not.toContain(": met");
  });
});
