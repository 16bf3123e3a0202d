import { afterEach, describe, expect, it } from "vitest";
import { openAiServer } from "../graders/judge/test-openai-server.js";
import { attributeWithJudge } from "./judge.js";
import { firstJsonObject, parseBlame, parseHalf, parseYesNo } from "./parse.js";
import type { Trajectory } from "./types.js";

describe("reading judge answers", () => {
  const agents = ["WebSurfer", "Orchestrator", "Web"];

  it("takes JSON inside fences or prose", () => {
    expect(firstJsonObject('Sure!\n```json\n{"agent": "WebSurfer", "step": 4}\n```')).toEqual({
      agent: "WebSurfer",
      step: 4,
    });
    expect(firstJsonObject('{not json} then {"a": "}{"}')).toEqual({ a: "}{" });
    expect(firstJsonObject("no object")).toBeUndefined();
  });

  it("reads agent and step, matching agent names loosely and steps given as text", () => {
    expect(
      parseBlame('{"agent": "websurfer", "step": "step 4", "reason": "bad search"}', agents),
    ).toEqual({
      agent: "WebSurfer",
      step: 4,
      reason: "bad search",
    });
    expect(parseBlame('{"agent": "Orchestrator (thought)", "step": 2}', agents)).toEqual({
      agent: "Orchestrator",
      step: 2,
    });
    // An agent the log does not have is dropped, the step kept.
    expect(parseBlame('{"agent": "Nobody", "step": 3}', agents)).toEqual({ step: 3 });
    // Prose: the first agent named (the longer name wins at the same place) and the step.
    expect(parseBlame("The WebSurfer erred at Step: 7 by misreading.", agents)).toEqual({
      agent: "WebSurfer",
      step: 7,
    });
    expect(parseBlame("I cannot tell.", agents)).toBeUndefined();
  });

  it("reads yes / no and halves", () => {
    expect(parseYesNo('{"decisive": true}')).toBe(true);
    expect(parseYesNo('{"decisive": "No, it is fine"}')).toBe(false);
    expect(parseYesNo("Yes. This step is wrong.")).toBe(true);
    expect(parseYesNo('{"other": 1}')).toBeUndefined();
    expect(parseYesNo("maybe")).toBeUndefined();
    expect(parseHalf('{"half": "second"}')).toBe("second");
    expect(parseHalf('{"half": 1}')).toBe("first");
    expect(parseHalf("It is in the upper half.")).toBe("first");
    expect(parseHalf("Lower.")).toBe("second");
    expect(parseHalf("unsure")).toBeUndefined();
  });
});

const run: Trajectory = {
  id: "t",
  question: "What is 5 + 8?",
  steps: ["Planner", "Math", "Checker", "Math", "Checker", "Planner"].map((agent, index) => ({
    index,
    agent,
    role: agent,
    content: `step ${index} by ${agent}`,
  })),
};

describe("judge strategies over the OpenAI protocol", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it("all at once: one call, the named agent and step", async () => {
    const s = await openAiServer(
      () => '```json\n{"agent": "math", "step": 3, "reason": "13, not 12"}\n```',
    );
    close = s.close;
    const got = await attributeWithJudge(run, {
      strategy: "all-at-once",
      model: s.model,
      spec: "local:gpt-4o-mini",
    });
    expect([got.agent, got.step.index, got.calls, got.unparsed]).toEqual(["Math", 3, 1, 0]);
    expect(got.evidence[0]).toBe("judge: 13, not 12");
    expect(s.prompts[0]).toContain("[step 5] Planner:");
    expect(s.prompts[0]).toContain("AGENTS: Planner, Math, Checker");
  });

  it("a long log is cut per step so that every step is still shown", async () => {
    const s = await openAiServer(() => '{"agent": "Math", "step": 1}');
    close = s.close;
    const long: Trajectory = {
      ...run,
      steps: run.steps.map((st) => ({ ...st, content: `${st.index}:${"x".repeat(5000)}` })),
    };
    await attributeWithJudge(long, {
      strategy: "all-at-once",
      model: s.model,
      spec: "x",
      maxLogChars: 7000,
    });
    const prompt = s.prompts[0] ?? "";
    // 7000 / (6 steps + the task) = 1000 characters per step.
    expect(prompt).toContain(`[step 5] Planner:\n5:${"x".repeat(998)}…[cut]`);
    expect(prompt.length).toBeLessThan(9000);
  });

  it("all at once: an unreadable answer falls back to the heuristic, said so", async () => {
    const s = await openAiServer(() => "I would rather not say.");
    close = s.close;
    const got = await attributeWithJudge(run, {
      strategy: "all-at-once",
      model: s.model,
      spec: "x",
    });
    expect(got.fallback).toBe("heuristic");
    expect(got.unparsed).toBe(1);
    expect(got.evidence[0]).toMatch(/heuristic's answer is given instead/);
  });

  it("step by step: walks until the first yes, showing only the log so far", async () => {
    const s = await openAiServer((_, n) =>
      n === 3
        ? '{"decisive": true, "reason": "wrong sum"}'
        : n === 2
          ? "hmm"
          : '{"decisive": false}',
    );
    close = s.close;
    const got = await attributeWithJudge(run, {
      strategy: "step-by-step",
      model: s.model,
      spec: "x",
    });
    expect([got.agent, got.step.index, got.calls, got.unparsed]).toEqual(["Checker", 2, 3, 1]);
    expect(got.evidence[0]).toBe("judge: wrong sum");
    expect(s.prompts[2]).toContain("[step 2]");
    expect(s.prompts[2]).not.toContain("[step 3]");
  });

  it("binary search: halves the range by the judge's answers", async () => {
    // 6 steps: 0..5 → second half 3..5 → first half 3..4 → second half 4..4.
    const answers = ['{"half": "second"}', '{"half": "first"}', '{"half": "second"}'];
    const s = await openAiServer((_, n) => answers[n - 1] ?? "");
    close = s.close;
    const got = await attributeWithJudge(run, {
      strategy: "binary-search",
      model: s.model,
      spec: "x",
    });
    expect([got.agent, got.step.index, got.calls, got.unparsed]).toEqual(["Checker", 4, 3, 0]);
    expect(s.prompts[0]).toMatch(/first half \(steps 0\.\.2\) or the second half \(steps 3\.\.5\)/);
    expect(s.prompts[1]).toMatch(/first half \(steps 3\.\.4\) or the second half \(steps 5\.\.5\)/);
  });
});
