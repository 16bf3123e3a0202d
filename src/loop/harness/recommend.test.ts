import { describe, expect, it } from "vitest";
import type { Failure } from "../../core/index.js";
import { isEmptyResult, isRetrievalTool, MAX_SCAN } from "./patterns.js";
import { readMember } from "./read-member.js";
import { recommendTrack, THRESHOLDS } from "./recommend.js";
import { clusterOf, evalFailure, failure } from "./test-support.js";

const recommend = (members: Failure[], history?: Parameters<typeof recommendTrack>[2]) =>
  recommendTrack(clusterOf(members), members, history);

const toolError = (tool: string, error: string) =>
  failure({
    detector: "tool-error",
    reason: `a tool call failed: span \`execute_tool ${tool}\``,
    tool_calls: [{ name: tool, arguments: "{}", error }],
    error,
  });

const formatFailure = (caseId: string) =>
  evalFailure(caseId, ["json-valid"], "json-valid: the output is not valid JSON");

describe("recommendTrack", () => {
  it("sends a cluster of failing tool calls to code, harness tools, with the numbers", () => {
    const members = [
      toolError("issue_refund", "payments service timed out after 30 s"),
      toolError("issue_refund", "payments service timed out after 30 s"),
      toolError("issue_refund", "payments service unavailable"),
      formatFailure("refund-1"),
    ];
    const rec = recommend(members);
    expect(rec.track).toBe("code");
    expect(rec.harness?.kind).toBe("tools");
    expect(rec.reasons[0]).toBe(
      "3 of 4 failures (75%) are tool calls that failed (issue_refund 3): no prompt makes a failing tool succeed",
    );
    expect(rec.reasons).toContain('most common: "payments service timed out after 30 s" (2)');
    expect(rec.confidence).toBe(0.8); // 0.35 + 0.6 × 0.75
    expect(rec.causes).toMatchObject({ tools: 3, behaviour: 1 });
    expect(rec.harness?.summary).toMatch(/^3 of 4 failures \(75%\) are tool calls that failed/);
  });

  it("says so when the tool turned down the model's arguments, and is less sure", () => {
    const members = [
      toolError("lookup_order", "order not found: 1004"),
      toolError("lookup_order", "order not found: 1005"),
    ];
    const plain = recommend([
      toolError("lookup_order", "connection reset"),
      toolError("lookup_order", "connection reset"),
    ]);
    const rec = recommend(members);
    expect(rec.track).toBe("code");
    expect(rec.reasons.some((r) => r.startsWith("2 of these 2 are arguments the tool"))).toBe(true);
    expect(rec.confidence).toBeLessThan(plain.confidence);
  });

  it("sends empty retrieval to rag, harness retrieval", () => {
    const search = (result: string) =>
      failure({
        signal_type: "user_correction",
        tool_calls: [{ name: "search_kb", arguments: '{"query":"warranty"}', result }],
      });
    const members = [search("[]"), search(""), search('{"results": []}'), formatFailure("x")];
    const rec = recommend(members);
    expect(rec.track).toBe("rag");
    expect(rec.harness?.kind).toBe("retrieval");
    expect(rec.reasons[0]).toMatch(/^3 of 4 failures \(75%\) found nothing .*\(search_kb 3\)/);
  });

  it("counts invented facts as a knowledge gap only when the agent did retrieve", () => {
    const withSearch = failure({
      signal_type: "llm_judge_fail",
      reason: "judge: the answer states a hallucinated warranty period",
      tool_calls: [{ name: "search_docs", result: "Warranty: see the product page." }],
    });
    const without = failure({
      signal_type: "llm_judge_fail",
      reason: "judge: the answer states a hallucinated warranty period",
    });
    expect(readMember(withSearch).cause).toBe("retrieval");
    expect(readMember(without).cause).toBe("behaviour");
    const rec = recommend([without, failure({ ...without, id: "fail_other" })]);
    expect(rec.track).toBe("prompt");
    expect(
      rec.reasons.some((r) => /state facts with no retrieval call.*consider rag/.test(r)),
    ).toBe(true);
  });

  it("keeps format habits on the prompt track", () => {
    const members = [formatFailure("a"), formatFailure("b"), formatFailure("c")];
    const rec = recommend(members);
    expect(rec.track).toBe("prompt");
    expect(rec.harness).toBeUndefined();
    expect(rec.reasons[0]).toBe(
      "3 of 3 failures (100%) are behaviour a prompt steers (format 3), with no harness cause",
    );
    expect(rec.confidence).toBe(0.95);
  });

  it("sends attempts that hit their time limit to code, harness timeouts", () => {
    const timedOut = (caseId: string) =>
      failure({
        detector: "eval",
        signal_type: "eval_failure",
        reason: `blocking case ${caseId} errored (timeout)`,
        error: "attempt exceeded 30000 ms",
        context: { case_id: caseId },
      });
    const rec = recommend([timedOut("a"), timedOut("b"), formatFailure("c")]);
    expect(rec.track).toBe("code");
    expect(rec.harness?.kind).toBe("timeouts");
    expect(rec.reasons[0]).toMatch(/^2 of 3 failures \(67%\) hit a time limit: /);
  });

  it("reads a failed latency grader as a time budget", () => {
    const slow = evalFailure("a", ["latency"], "latency: 4200 ms over the 2000 ms budget");
    expect(readMember(slow).cause).toBe("timeouts");
  });

  it("tells a tool that times out (tools) from the attempt's own timeout (timeouts)", () => {
    expect(readMember(toolError("issue_refund", "timed out after 30 s")).cause).toBe("tools");
    expect(readMember(failure({ error: "request timed out" })).cause).toBe("timeouts");
  });

  it("sends context overflows and answers cut at the token limit to code, harness context", () => {
    const members = [
      failure({
        error: "This model's maximum context length is 128000 tokens; you requested 131072",
      }),
      failure({ context: { finish_reasons: ["length"] } }),
      failure({ reason: "the answer was truncated" }),
    ];
    for (const m of members) expect(readMember(m).cause).toBe("context");
    const rec = recommend(members);
    expect(rec.track).toBe("code");
    expect(rec.harness?.kind).toBe("context");
    expect(rec.reasons[0]).toMatch(/^3 of 3 failures \(100%\) ran out of context/);
  });

  it("sends rate limits and provider errors to code, harness provider", () => {
    const members = [
      failure({ error: "429 Too Many Requests" }),
      failure({ reason: "warning case a errored (provider_error)" }),
    ];
    const rec = recommend([...members, failure({ error: "rate limit exceeded for gpt-4o" })]);
    expect(rec.track).toBe("code");
    expect(rec.harness?.kind).toBe("provider");
  });

  it("counts duplicates: one member seen five times outweighs three seen once", () => {
    const members = [
      toolError("lookup_order", "connection refused"),
      formatFailure("a"),
      formatFailure("b"),
      formatFailure("c"),
    ];
    const heavy = [{ ...members[0]!, count: 5 }, ...members.slice(1)];
    expect(recommend(members).track).toBe("prompt");
    const rec = recommend(heavy);
    expect(rec.track).toBe("code");
    expect(rec.reasons[0]).toMatch(/^5 of 8 failures \(63%\)/);
  });

  it("goes to the harness when causes together are a majority, less sure than one cause", () => {
    const members = [
      toolError("a_tool", "connection refused"),
      toolError("a_tool", "connection refused"),
      failure({ error: "request timed out" }),
      formatFailure("x"),
      formatFailure("y"),
    ];
    const rec = recommend(members);
    expect(rec.track).toBe("code");
    expect(rec.harness?.kind).toBe("tools");
    expect(rec.reasons[0]).toMatch(
      /^3 of 5 failures \(60%\) have harness causes .*none a majority/,
    );
    expect(rec.confidence).toBe(0.61); // 0.35 + 0.6 × 0.6 − 0.1
  });

  it("mentions a harness minority on the prompt track", () => {
    const members = [
      formatFailure("a"),
      formatFailure("b"),
      formatFailure("c"),
      toolError("lookup_order", "connection refused"),
    ];
    const rec = recommend(members);
    expect(rec.track).toBe("prompt");
    expect(rec.reasons).toContain(
      "also 1 of 4 failures (25%) are tool calls that failed: see `ratchet clusters ticket`",
    );
  });

  it("does not read the user's words in a correction", () => {
    const correction = failure({
      signal_type: "user_correction",
      reason: "the user supplied a correction: your site timed out again",
    });
    expect(readMember(correction).cause).toBe("behaviour");
  });

  it("recommends fine-tuning for a stubborn prompt cluster with enough passing examples", () => {
    const members = [formatFailure("a"), formatFailure("b"), formatFailure("c")];
    const ready = recommend(members, { promptAttempts: 4, fixed: false, passingExamples: 900 });
    expect(ready.track).toBe("finetune");
    expect(ready.reasons[0]).toBe(
      "4 prompt patches did not fix it (≥ 3: prompt iteration has plateaued)",
    );
    expect(ready.reasons[1]).toBe("900 passing examples available (≥ 500) to fine-tune on");
    expect(ready.confidence).toBe(0.7);

    const uncounted = recommend(members, { promptAttempts: 3, fixed: false });
    expect(uncounted.track).toBe("finetune");
    expect(uncounted.confidence).toBe(0.5);
    expect(uncounted.reasons[1]).toMatch(/passing examples not counted/);

    const few = recommend(members, { promptAttempts: 5, fixed: false, passingExamples: 120 });
    expect(few.track).toBe("prompt");
    expect(few.reasons.at(-1)).toMatch(/fine-tuning blocked: only 120 passing examples \(< 500\)/);

    const early = recommend(members, {
      promptAttempts: THRESHOLDS.finetuneAttempts - 1,
      fixed: false,
    });
    expect(early.track).toBe("prompt");
    expect(early.confidence).toBeLessThan(recommend(members).confidence);

    const fixed = recommend(members, { promptAttempts: 4, fixed: true, passingExamples: 900 });
    expect(fixed.track).toBe("prompt");
  });

  it("never sends a harness cluster to fine-tuning, however many prompt patches failed", () => {
    const members = [toolError("t", "connection refused"), toolError("t", "connection refused")];
    const rec = recommend(members, { promptAttempts: 6, fixed: false, passingExamples: 5000 });
    expect(rec.track).toBe("code");
    expect(rec.reasons).toContain(
      "6 prompt patch(es) did not fix it, as expected of a harness cause",
    );
  });

  it("is unsure with few or no members", () => {
    const none = recommendTrack(clusterOf([]), []);
    expect(none).toMatchObject({ track: "prompt", confidence: 0.2, members: 0 });
    const one = recommend([toolError("t", "connection refused")]);
    expect(one.track).toBe("code");
    expect(one.confidence).toBe(0.71); // 0.95 × 0.75
    expect(one.reasons).toContain("only 1 distinct failure(s) read: confidence lowered");
  });

  it("says when it read fewer failures than the cluster holds", () => {
    const members = [formatFailure("a"), formatFailure("b"), formatFailure("c")];
    const rec = recommendTrack(clusterOf(members, { size: 10 }), members);
    expect(rec.reasons).toContain("read 3 of the cluster's 10 failures");
  });
});

describe("retrieval patterns", () => {
  it("knows retrieval tools by the words in their names", () => {
    for (const name of ["search_kb", "web_search", "retrieveDocs", "kb_lookup", "faq"]) {
      expect(isRetrievalTool(name), name).toBe(true);
    }
    for (const name of ["lookup_order", "issue_refund", "escalate_to_human", "researcher"]) {
      expect(isRetrievalTool(name), name).toBe(false);
    }
  });

  it("knows an empty result from one with content", () => {
    for (const empty of ["", " ", "[]", "{}", "null", '{"results": []}', "No results found."]) {
      expect(isEmptyResult(empty), empty).toBe(true);
    }
    for (const full of ['["a"]', '{"results": ["a"]}', "Returns within 30 days.", "[1"]) {
      expect(isEmptyResult(full), full).toBe(false);
    }
  });

  it("reads only the first MAX_SCAN characters of a text, so scanning stays linear", () => {
    const far = `${"x".repeat(MAX_SCAN)} request timed out`;
    expect(readMember(failure({ error: far })).cause).toBe("behaviour");
    expect(readMember(failure({ error: far.slice(MAX_SCAN) })).cause).toBe("timeouts");
  });
});
