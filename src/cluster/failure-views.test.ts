import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defaultConfig } from "../config/index.js";
import type { Failure, FailureToolCall } from "../core/index.js";
import { type NewFailure, openStore } from "../store/index.js";
import { buildClusters } from "./build.js";
import { failureText, failureViews } from "./failure-views.js";

interface Check {
  grader: string;
  dimension: string;
  reason: string;
}

let serial = 0;
function evalFailure(checks: Check[], tools: string[] = []): NewFailure {
  serial++;
  const tool_calls: FailureToolCall[] = tools.map((name) => ({ name, arguments: "{}" }));
  return {
    trace_id: `trace-${serial}`,
    detector: "eval",
    signal_type: "eval_failure",
    severity: "high",
    weight: 1,
    base_score: 1,
    timestamp: "2026-12-01T00:00:00.000Z",
    input: `question number ${serial}`,
    output: "an answer",
    tool_calls,
    reason: `blocking case failed: ${checks.map((c) => `${c.grader}: ${c.reason}`).join("; ")}`,
    context: {
      source: "eval",
      graders: checks.map((c) => c.grader),
      evidence: checks.map((c) => ({ ...c })),
    },
    redacted_text: "",
    fingerprint: `f-${serial}`,
  };
}

const asFailure = (f: NewFailure) => ({ ...f, id: "fail_x", count: 1 }) as unknown as Failure;

describe("failureViews", () => {
  it("describes a failed trajectory by its trajectory checks and the tools called", () => {
    const failure = evalFailure([
      { grader: "tool-called", dimension: "tool_use", reason: "tool `refund` was not called" },
      { grader: "json-valid", dimension: "accuracy", reason: "output is not valid JSON" },
    ]);
    const [evidence, trajectory] = failureViews(asFailure(failure));
    expect(evidence).toContain("tool `refund` was not called");
    expect(evidence).not.toContain("JSON");
    expect(trajectory).toBe("tools called: none");
    const called = evalFailure(
      [{ grader: "tool-called", dimension: "tool_use", reason: "not called" }],
      ["search", "search"],
    );
    expect(failureViews(asFailure(called))[1]).toBe("tools called: search then search");
  });

  it("describes a failed answer by every failing check, in one view", () => {
    const failure = evalFailure(
      [
        { grader: "no-pii", dimension: "safety", reason: "found PII: email address" },
        { grader: "regex", dimension: "accuracy", reason: "output does not match /x/" },
      ],
      ["lookup"],
    );
    const views = failureViews(asFailure(failure));
    expect(views).toHaveLength(1);
    expect(views[0]).toContain("found PII");
    expect(views[0]).toContain("does not match");
    expect(views[0]).not.toContain("lookup");
  });

  it("reads other failures, and malformed evidence, from the reason, error and failed calls", () => {
    const production = {
      ...evalFailure([]),
      context: { evidence: "not a list" },
      reason: "user corrected the agent",
      error: "TimeoutError",
      tool_calls: [{ name: "search", arguments: "{}", error: "503" }],
    };
    const views = failureViews(asFailure(production));
    expect(views).toHaveLength(1);
    expect(views[0]).toContain("user corrected the agent");
    expect(views[0]).toContain("TimeoutError");
    expect(views[0]).toContain("search 503");
    expect(failureText(asFailure(production))).toBe(views[0]);
    const junk = { ...production, context: { evidence: [null, 3, { grader: "g" }] } };
    expect(failureViews(asFailure(junk))).toEqual(views);
  });
});

describe("clusters build on eval failures", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps one skipped tool call together whichever checks notice it, apart from a wrong call", async () => {
    const failures: NewFailure[] = [];
    const kinds: number[] = [];
    for (let i = 0; i < 6; i++) {
      // A skipped call in a case checked by tool order and JSON output…
      failures.push(
        evalFailure([
          {
            grader: "tool-sequence",
            dimension: "tool_use",
            reason:
              "expected lookup_order in order; `lookup_order` was never called; no tools were called",
          },
          {
            grader: "tool-args-match",
            dimension: "tool_use",
            reason: "tool `lookup_order` was not called; no tools were called",
          },
          { grader: "json-valid", dimension: "accuracy", reason: "output is not valid JSON" },
          { grader: "judge", dimension: "accuracy", reason: `score ${i}/10: misses the facts` },
        ]),
      );
      kinds.push(0);
      // …and in a case checked by a call count and the answer's words.
      failures.push(
        evalFailure([
          {
            grader: "tool-called",
            dimension: "tool_use",
            reason:
              "tool `escalate_to_human` was not called (expected at least 1); no tools were called",
          },
          {
            grader: "contains",
            dimension: "accuracy",
            reason: 'output does not contain "a member of our team will reply"',
          },
        ]),
      );
      kinds.push(1);
      // The wrong tool, noticed by the same kind of check.
      failures.push(
        evalFailure(
          [
            {
              grader: "tool-called",
              dimension: "tool_use",
              reason:
                "tool `issue_refund` was not called (expected at least 1); tools called: search_kb",
            },
          ],
          ["search_kb"],
        ),
      );
      kinds.push(2);
      // An answer that leaks contact details.
      failures.push(
        evalFailure(
          [{ grader: "no-pii", dimension: "safety", reason: "found PII: email address ×1" }],
          ["lookup_order"],
        ),
      );
      kinds.push(3);
    }
    const dir = mkdtempSync(join(tmpdir(), "ratchet-views-"));
    dirs.push(dir);
    const store = await openStore({ path: join(dir, "r.db") });
    try {
      await store.failures.recordMany(failures);
      const result = await buildClusters(store, { config: defaultConfig() });
      const clusterOf = new Map<string, string>();
      for (const cluster of result.clusters) {
        for (const member of await store.clusters.members(cluster.id)) {
          const failure = await store.failures.get(member.failure_id);
          if (failure) clusterOf.set(failure.trace_id, cluster.id);
        }
      }
      const byKind = [0, 1, 2, 3].map(
        (k) =>
          new Set(
            failures
              .filter((_, i) => kinds[i] === k)
              .map((f) => clusterOf.get(f.trace_id) ?? "(unclustered)"),
          ),
      );
      for (const clusters of byKind) {
        expect(clusters.size).toBe(1);
        expect(clusters.has("(unclustered)")).toBe(false);
      }
      const [orderSkip, escalationSkip, wrongTool, leak] = byKind.map((s) => [...s][0]);
      expect(orderSkip).toBe(escalationSkip);
      expect(new Set([orderSkip, wrongTool, leak]).size).toBe(3);
    } finally {
      await store.close();
    }
  });
});
