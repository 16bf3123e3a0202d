import { describe, expect, it } from "vitest";
import type { Failure } from "../../core/index.js";
import { recommendTrack } from "./recommend.js";
import { clusterOf, evalFailure, failure } from "./test-support.js";
import { harnessTicket } from "./ticket.js";

const ticketOf = (members: Failure[], description?: string) => {
  const cluster = clusterOf(members, {
    label: "refund · payments · timed",
    ...(description ? { description } : {}),
  });
  return harnessTicket(cluster, members, recommendTrack(cluster, members));
};

const refundTimeout = (fields: Partial<Failure> = {}) =>
  failure({
    detector: "tool-error",
    agent: "support",
    reason: "a tool call failed: span `execute_tool issue_refund`",
    tool_calls: [
      { name: "issue_refund", arguments: '{"order_id":"ORD-1"}', error: "payments timed out" },
    ],
    redacted_text:
      "user: refund ORD-1 to <EMAIL>\ntool issue_refund(...) -> ERROR payments timed out",
    ...fields,
  });

describe("harnessTicket", () => {
  const members = [
    refundTimeout({ id: "fail_a", trace_id: "prod-1", count: 2 }),
    refundTimeout({ id: "fail_b", trace_id: "prod-2" }),
    {
      ...evalFailure("refund-3", ["tool-called"], "tool-called: `issue_refund` was not called"),
      id: "fail_c",
      error: "upstream said | no",
    },
  ];
  const ticket = ticketOf(members, "Refunds fail when the payments service is slow.");

  it("heads with the cluster, the track and the harness kind", () => {
    expect(ticket.startsWith("# Harness proposal: refund · payments · timed\n")).toBe(true);
    expect(ticket).toContain("Cluster `clu_test` (open) · size 4 (3 distinct failures)");
    expect(ticket).toContain("**Recommended track: code** · harness: **tools** · confidence 0.8");
    expect(ticket).toContain("Ratchet never applies it");
  });

  it("says what is failing and why this track, with the numbers", () => {
    expect(ticket).toContain(
      "## What is failing\n\nRefunds fail when the payments service is slow.",
    );
    expect(ticket).toContain(
      "- 3 of 4 failures (75%) are tool calls that failed (issue_refund 3): no prompt makes a failing tool succeed",
    );
  });

  it("tabulates causes and error texts, duplicates counted, pipes escaped", () => {
    expect(ticket).toContain("| tool errors | 3 | 2 | 75% |");
    expect(ticket).toContain("| behaviour (prompt) | 1 | 1 | 25% |");
    expect(ticket).toContain("| issue_refund | payments timed out | 3 |");
    expect(ticket).toContain("| - | upstream said \\| no | 1 |");
  });

  it("shows representative members with their redacted text, placeholders kept visible", () => {
    expect(ticket).toContain("### 1. `fail_a` · hard_error, high, ×2 · tools (issue_refund)");
    expect(ticket).toContain("- evidence: payments timed out");
    expect(ticket).toContain("```text\nuser: refund ORD-1 to <EMAIL>\n");
    expect(ticket).toContain("### 3. `fail_c` · eval_failure, high · behaviour: tool use");
  });

  it("says what to change in the tool and how to verify, with the cases and traces", () => {
    const change = ticket.slice(
      ticket.indexOf("## What to change"),
      ticket.indexOf("## How to verify"),
    );
    expect(change).toContain("`issue_refund`");
    expect(change).toMatch(/own timeout and retries with backoff/);
    const verify = ticket.slice(ticket.indexOf("## How to verify"));
    expect(verify).toContain("`ratchet evals draft --cluster clu_test`");
    expect(verify).toContain("`ratchet eval --case refund-3`");
    expect(verify).toContain("`prod-1`, `prod-2`");
    expect(verify).toContain("`ratchet clusters show clu_test`");
  });

  it("keeps a member's text inside its fence whatever backticks it holds", () => {
    const tricky = refundTimeout({ redacted_text: "user: ```\n# not a heading\n```" });
    const text = ticketOf([tricky]);
    expect(text).toContain("````text\nuser: ```\n# not a heading\n```\n````");
  });

  it("still writes a ticket for a prompt-track cluster, saying a prompt patch is the track", () => {
    const format = ["a", "b", "c"].map((id) =>
      evalFailure(id, ["json-valid"], "json-valid: the output is not valid JSON"),
    );
    const text = ticketOf(format);
    expect(text).toContain("**Recommended track: prompt** · confidence 0.95");
    expect(text).not.toContain("harness: **");
    expect(text).toContain("a prompt patch is the recommended track for this cluster");
    expect(text).toContain("Nothing in the harness: a prompt patch is the recommended track.");
    expect(text).toContain("`ratchet eval --case a b c`");
  });

  it("adds the harness fix for a sizeable minority on the prompt track", () => {
    const text = ticketOf([
      ...["a", "b", "c"].map((id) => evalFailure(id, ["json-valid"], "not valid JSON")),
      failure({ error: "429 Too Many Requests" }),
    ]);
    expect(text).toContain("For the 1 of 4 failures with model provider errors:");
    expect(text).toMatch(/exponential backoff that honours `Retry-After`/);
  });

  it("gives fine-tuning advice when prompt patches plateaued", () => {
    const format = ["a", "b", "c"].map((id) =>
      evalFailure(id, ["json-valid"], "json-valid: the output is not valid JSON"),
    );
    const cluster = clusterOf(format);
    const rec = recommendTrack(cluster, format, {
      promptAttempts: 3,
      fixed: false,
      passingExamples: 600,
    });
    const text = harnessTicket(cluster, format, rec);
    expect(text).toContain("**Recommended track: finetune**");
    expect(text).toContain("Fine-tune from the base model");
  });
});
