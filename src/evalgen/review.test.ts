import { writeFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { defaultConfig } from "../config/index.js";
import { openSqliteStore, type Store } from "../store/index.js";
import { runReview } from "./review.js";
import { draftAndStore, type Project } from "./service.js";

let dir: string;
let store: Store;
let project: Project;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ratchet-review-"));
  store = await openSqliteStore(join(dir, "r.db"));
  project = { store, config: defaultConfig(), dir, loaded: undefined };
  for (const [i, input] of [
    "Where is ORD-1001?",
    "Where is ORD-1002?",
    "Where is ORD-1003?",
  ].entries()) {
    const { failure } = await store.failures.record({
      trace_id: `t${i}`,
      detector: "d",
      signal_type: "user_correction",
      severity: "high",
      weight: 1,
      base_score: 1,
      timestamp: new Date().toISOString(),
      input,
      output: "wrong order",
      tool_calls: [],
      reason: "no, the other order",
      context: {},
      redacted_text: "",
      fingerprint: `fp${i}`,
    });
    await draftAndStore(project, { failures: [failure.id], epochs: 0 });
  }
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** Feeds the queue's answers one line each (stdin that is not a terminal). */
async function review(lines: string[], edit?: (file: string) => void) {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = "";
  output.on("data", (c: Buffer) => {
    shown += c.toString("utf8");
  });
  input.end(lines.map((l) => `${l}\n`).join(""));
  const summary = await runReview(project, {
    by: "carol",
    defaultSuite: "suites/regressions.yaml",
    input,
    output,
    failuresOf: async (d) =>
      Promise.all(d.failure_ids.map(async (id) => (await store.failures.get(id))!)),
    ...(edit ? { edit } : {}),
  });
  return { summary, shown };
}

describe("evals review", () => {
  it("approves with defaults, rejects with a reason, skips, and shows each draft's failure", async () => {
    const { summary, shown } = await review([
      "a",
      "support",
      "",
      "",
      "r",
      "duplicate of ORD-1001",
      "s",
    ]);
    expect(summary).toEqual({ approved: 1, rejected: 1, edited: 0, skipped: 1 });
    expect(shown).toContain("from failures");
    expect(shown).toContain("no, the other order");
    const suite = parse(await readFile(join(dir, "suites", "regressions.yaml"), "utf8"));
    expect(suite.cases).toHaveLength(1);
    expect(suite.cases[0]).toMatchObject({ owner: "support", severity: "blocking" });
    const [approved] = await store.evalDrafts.list({ status: ["approved"] });
    expect(approved).toMatchObject({ reviewer: "carol", target_suite: "suites/regressions.yaml" });
    const [rejected] = await store.evalDrafts.list({ status: ["rejected"] });
    expect(rejected?.reason).toBe("duplicate of ORD-1001");
    expect(await store.evalDrafts.list({ status: ["draft"] })).toHaveLength(1);
  });

  it("a bad edit is reported and the draft kept; a good edit replaces the case", async () => {
    let round = 0;
    const edit = (file: string) => {
      round++;
      if (round === 1) {
        // Not a case: an unknown assertion type.
        writeFileSync(
          file,
          "id: x\ninput: hi\nseverity: warning\nassertions: [{type: no-such-check}]\n",
        );
        return;
      }
      writeFileSync(
        file,
        stringify({
          id: "edited-case",
          input: "Where is ORD-1001?",
          severity: "warning",
          assertions: [{ type: "contains", value: "ORD-1001" }],
          expires_at: "2027-01-01T00:00:00.000Z",
        }),
      );
    };
    const { summary, shown } = await review(["e", "e", "q"], edit);
    expect(shown).toContain("edit not saved");
    expect(shown).toContain("no-such-check");
    expect(shown).toContain("edit saved");
    expect(summary.edited).toBe(1);
    const pending = await store.evalDrafts.list({ status: ["draft"] });
    expect(pending.map((d) => (d.case as { id: string }).id)).toContain("edited-case");
  });

  it("quits at end of input and with nothing pending says so", async () => {
    expect((await review([])).summary).toEqual({ approved: 0, rejected: 0, edited: 0, skipped: 0 });
    await review(["r", "x", "r", "y", "r", "z"]);
    expect((await review([])).shown).toContain("no drafts wait for review");
  });
});
