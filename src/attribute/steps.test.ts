import { describe, expect, it } from "vitest";
import type { Span } from "../core/index.js";
import { parseWhoWhenRow } from "../traces/index.js";
import { normalizeAgent, stepsFromSpans } from "./steps.js";
import { trajectoryFromWhoWhen } from "./whowhen.js";

function span(
  id: string,
  parent: string | undefined,
  start: number,
  attrs: Span["attributes"],
  extra: Partial<Span> = {},
): Span {
  return {
    trace_id: "t1",
    span_id: id,
    ...(parent ? { parent_span_id: parent } : {}),
    name: id,
    kind: "internal",
    start_ms: start,
    end_ms: start + 1,
    attributes: attrs,
    status: { code: "unset" },
    events: [],
    ...extra,
  };
}

const out = (content: string) => JSON.stringify([{ role: "assistant", content }]);

describe("steps from spans", () => {
  it("orders by start, credits each span to its own or nearest ancestor's agent", () => {
    const spans = [
      span("root", undefined, 0, {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "planner",
        "gen_ai.input.messages": JSON.stringify([{ role: "user", content: "book a flight" }]),
      }),
      span("sub", "root", 1, {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "booker",
      }),
      // Started later but listed earlier: order comes from start times.
      span("tool", "sub", 4, {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "book",
        "gen_ai.tool.call.arguments": '{"to":"OSL"}',
        "gen_ai.tool.call.result": '{"error":"sold out"}',
      }),
      span("plan", "root", 2, {
        "gen_ai.operation.name": "chat",
        "gen_ai.output.messages": out("plan: ask booker"),
      }),
      span("chat", "sub", 3, {
        "gen_ai.operation.name": "chat",
        "gen_ai.output.messages": out("booking OSL"),
      }),
      span(
        "crash",
        "sub",
        5,
        { "gen_ai.operation.name": "chat" },
        {
          events: [{ name: "exception", time_ms: 5, attributes: { "exception.message": "boom" } }],
        },
      ),
    ];
    const steps = stepsFromSpans([
      spans[0]!,
      spans[1]!,
      spans[2]!,
      spans[3]!,
      spans[4]!,
      spans[5]!,
    ]);
    expect(steps.map((s) => [s.index, s.agent, s.content.slice(0, 12)])).toEqual([
      [0, "planner", "plan: ask bo"],
      [1, "booker", "booking OSL"],
      [2, "booker", 'book({"to":"'],
      [3, "booker", ""],
    ]);
    expect(steps[2]?.toolCalls?.[0]?.error).toBe('{"error":"sold out"}');
    expect(steps[2]?.errors).toEqual(['tool book: {"error":"sold out"}']);
    expect(steps[3]?.errors).toEqual(["boom"]);
  });

  it("keeps the imported step index and the speaker label; agentless spans take the default", () => {
    const spans = [
      span("b", undefined, 0, {
        "ratchet.step.index": 1,
        "ratchet.step.role": "Orchestrator (-> WebSurfer)",
        "gen_ai.agent.name": "Orchestrator",
        "gen_ai.output.messages": out("search it"),
      }),
      span("a", undefined, 0, {
        "ratchet.step.index": 0,
        "gen_ai.output.messages": out("the task"),
      }),
    ];
    const steps = stepsFromSpans(spans, { defaultAgent: "variant-a" });
    expect(steps.map((s) => [s.index, s.agent, s.role])).toEqual([
      [0, "variant-a", "variant-a"],
      [1, "Orchestrator", "Orchestrator (-> WebSurfer)"],
    ]);
  });

  it("survives a parent cycle", () => {
    const spans = [
      span("x", "y", 0, { "gen_ai.output.messages": out("x") }),
      span("y", "x", 1, { "gen_ai.output.messages": out("y") }),
    ];
    expect(stepsFromSpans(spans).map((s) => s.agent)).toEqual(["unknown", "unknown"]);
  });

  it("normalizes Magentic-One speaker labels", () => {
    expect(normalizeAgent("Orchestrator (thought)")).toBe("Orchestrator");
    expect(normalizeAgent("Orchestrator (-> WebSurfer)")).toBe("Orchestrator");
    expect(normalizeAgent("Verification_Expert")).toBe("Verification_Expert");
  });
});

describe("steps from Who&When rows", () => {
  it("takes the agent from `role` in Hand-Crafted runs and from `name` in Algorithm-Generated", () => {
    const hand = parseWhoWhenRow({
      id: "h1",
      subset: "Hand-Crafted",
      question: "q",
      mistake_agent: "WebSurfer",
      mistake_step: 2,
      history: [
        { step: 0, role: "human", content: "q" },
        { step: 1, role: "Orchestrator (-> WebSurfer)", content: "search" },
        { step: 2, role: "WebSurfer", content: "found" },
      ],
    });
    expect(trajectoryFromWhoWhen(hand).steps.map((s) => [s.index, s.agent, s.role])).toEqual([
      [0, "human", "human"],
      [1, "Orchestrator", "Orchestrator (-> WebSurfer)"],
      [2, "WebSurfer", "WebSurfer"],
    ]);
    expect(hand.mistakeStep).toBe(2);
    const algo = parseWhoWhenRow({
      history: [
        { role: "user", name: "Planner_Expert", content: "plan" },
        { role: "assistant", name: "Computer_terminal", content: "exitcode: 0" },
      ],
    });
    expect(trajectoryFromWhoWhen(algo).steps.map((s) => s.agent)).toEqual([
      "Planner_Expert",
      "Computer_terminal",
    ]);
  });

  it("rejects rows without a usable history", () => {
    expect(() => parseWhoWhenRow({ history: "x" })).toThrow(/`history` must be an array/);
    expect(() => parseWhoWhenRow({ history: [] })).toThrow(/empty/);
    expect(() => parseWhoWhenRow({ history: [{ content: "x" }] })).toThrow(/history\[0\]\.role/);
    expect(() => parseWhoWhenRow([1])).toThrow(/JSON object/);
  });
});
