import { describe, expect, it } from "vitest";
import { GENAI, InputError, type SideEffect, type Span } from "../../core/index.js";
import { compileAssertions } from "../compile.js";
import { createGraderRegistry } from "../registry.js";
import { gradeAssertion } from "../score.js";
import { calls, grade, makeInput } from "../testing.js";

function span(name: string, start: number, attributes: Span["attributes"] = {}): Span {
  return {
    trace_id: "t",
    span_id: `s${start}`,
    name,
    kind: "internal",
    start_ms: start,
    end_ms: start + 1,
    attributes,
    status: { code: "ok" },
    events: [],
  };
}
const chat = (start: number, reason: string) =>
  span("chat sim", start, { [GENAI.operation]: "chat", [GENAI.finishReasons]: [reason] });

// Recorded as the prompt agent does: tool spans end (and are stored) before their chat span.
const spans: Span[] = [
  span("execute_tool read_order", 2),
  chat(1, "tool-calls"),
  span("execute_tool retrieve_refund_policy", 4),
  chat(3, "tool-calls"),
  span("execute_tool draft_refund_request", 6),
  chat(5, "tool-calls"),
  chat(7, "stop"),
  span("invoke_agent support", 0),
];

describe("required-spans / forbidden-spans", () => {
  it("finds spans by exact name, glob and regex", () => {
    const s = grade(
      {
        type: "required-spans",
        spans: ["execute_tool read_order", "execute_tool retrieve_*", "/draft_refund/"],
      },
      { spans },
    );
    expect(s.passed).toBe(true);
    const f = grade(
      { type: "required-spans", spans: ["execute_tool read_order", "approval_required"] },
      { spans },
    );
    expect(f).toMatchObject({ passed: false, score: 0.5 });
    expect(f.reason).toMatch(/^missing 1 span: `approval_required`; spans: invoke_agent support/);
  });

  it("checks order by start time, not by recording order", () => {
    const ordered = [
      "execute_tool read_order",
      "execute_tool retrieve_refund_policy",
      "execute_tool draft_refund_request",
    ];
    expect(
      grade({ type: "required-spans", spans: ordered, in_order: true }, { spans }).passed,
    ).toBe(true);
    const f = grade(
      { type: "required-spans", spans: [...ordered].reverse(), in_order: true },
      { spans },
    );
    expect(f.passed).toBe(false);
    expect(f.score).toBeCloseTo(1 / 3, 12);
  });

  it("forbidden-spans fails on any match", () => {
    expect(
      grade({ type: "forbidden-spans", spans: "execute_tool issue_refund" }, { spans }).passed,
    ).toBe(true);
    const f = grade({ type: "forbidden-spans", spans: ["execute_tool *refund*"] }, { spans });
    expect(f.passed).toBe(false);
    expect(f.dimension).toBe("tool_use");
    expect(f.reason).toContain("`execute_tool draft_refund_request`");
  });
});

describe("expected-stop-reason", () => {
  it("reads the last chat span's finish reason (by start time)", () => {
    expect(grade({ type: "expected-stop-reason", reason: "stop" }, { spans }).passed).toBe(true);
    const f = grade({ type: "expected-stop-reason", reason: "stop" }, { spans: spans.slice(0, 6) });
    expect(f.reason).toBe(
      "the agent stopped with `tool-calls`, expected stop (it ran out of steps while calling tools?)",
    );
  });

  it("accepts provider spellings on both sides", () => {
    const anthropic = [chat(1, "end_turn")];
    expect(
      grade({ type: "expected-stop-reason", reason: "stop" }, { spans: anthropic }).passed,
    ).toBe(true);
    const openai = [chat(1, "tool_calls")];
    expect(
      grade({ type: "expected-stop-reason", reason: ["tool-calls", "length"] }, { spans: openai })
        .passed,
    ).toBe(true);
  });

  it("says so when no chat span was recorded", () => {
    expect(grade({ type: "expected-stop-reason", reason: "stop" }).reason).toMatch(
      /no chat span with gen_ai.response.finish_reasons/,
    );
  });
});

describe("step-count", () => {
  it("checks min and max", () => {
    expect(grade({ type: "step-count", min: 2, max: 4 }, { steps: 3 }).passed).toBe(true);
    expect(grade({ type: "step-count", min: 2 }, { steps: 1 }).reason).toBe(
      "took 1 step, expected at least 2",
    );
    expect(grade({ type: "step-count", max: 2 }, { steps: 5 }).passed).toBe(false);
  });
});

describe("tool-args-schema", () => {
  const schema = {
    type: "object",
    required: ["order_id", "amount"],
    properties: {
      order_id: { type: "string", pattern: "^A-\\d+$" },
      amount: { type: "number", maximum: 100 },
    },
  };
  it("validates every call of the tool", () => {
    const good = calls(["refund", { order_id: "A-1", amount: 10 }], "lookup");
    expect(
      grade({ type: "tool-args-schema", tool: "refund", schema }, { tool_calls: good }).passed,
    ).toBe(true);
    const mixed = calls(
      ["refund", { order_id: "A-1", amount: 10 }],
      ["refund", { order_id: "B-2", amount: 500 }],
    );
    const f = grade({ type: "tool-args-schema", tool: "refund", schema }, { tool_calls: mixed });
    expect(f).toMatchObject({ passed: false, score: 0.5 });
    expect(f.reason).toContain("call_2: $.order_id: must match pattern");
    expect(f.reason).toContain("$.amount: must be <= 100");
  });

  it("passes vacuously unless required", () => {
    expect(grade({ type: "tool-args-schema", tool: "refund", schema }).passed).toBe(true);
    expect(grade({ type: "tool-args-schema", tool: "refund", schema, required: true }).passed).toBe(
      false,
    );
  });
});

describe("intent versus effect (mocked tools)", () => {
  const refundAsked = calls(["issue_refund", { order_id: "A-1", amount: 20 }]);
  const refunded: SideEffect[] = [
    { tool: "issue_refund", effect: "refund.issued", data: { order_id: "A-1", amount: 20 } },
  ];

  it("tool-called sees the intent; side-effect and forbidden-side-effect see the effect", () => {
    // Asked for a refund, but the mock denied it (no effect): intent yes, effect no.
    expect(
      grade({ type: "tool-called", tool: "issue_refund" }, { tool_calls: refundAsked }).passed,
    ).toBe(true);
    expect(
      grade({ type: "side-effect", effect: "refund.issued" }, { tool_calls: refundAsked }).passed,
    ).toBe(false);
    expect(
      grade({ type: "forbidden-side-effect", effect: "refund.issued" }, { tool_calls: refundAsked })
        .passed,
    ).toBe(true);
    // The effect happened.
    const f = grade(
      { type: "forbidden-side-effect", effect: "refund.*" },
      { tool_calls: refundAsked, side_effects: refunded },
    );
    expect(f).toMatchObject({ passed: false, dimension: "safety" });
    expect(f.reason).toBe("forbidden side effect happened: refund.issued (by issue_refund)");
  });

  it("side-effect matches tool and data, and counts", () => {
    const over = { side_effects: refunded };
    expect(
      grade(
        { type: "side-effect", effect: { effect: "refund.issued", data: { amount: 20 } } },
        over,
      ).passed,
    ).toBe(true);
    expect(
      grade({ type: "side-effect", effect: { effect: "refund.issued", tool: "other" } }, over)
        .passed,
    ).toBe(false);
    expect(grade({ type: "side-effect", effect: "refund.issued", min: 2 }, over).reason).toMatch(
      /happened 1 time \(expected at least 2\)/,
    );
  });
});

describe("goal-success", () => {
  const effects: SideEffect[] = [
    { tool: "draft_refund_request", effect: "refund.drafted", data: { amount: 20 } },
    { tool: "update_ticket", effect: "ticket.updated", data: { status: "open" } },
    { tool: "update_ticket", effect: "ticket.updated", data: { status: "awaiting_approval" } },
  ];
  const goal = {
    type: "goal-success",
    effects: ["refund.drafted"],
    forbid: ["refund.issued"],
    state: { "ticket.updated": { status: "awaiting_approval" } },
  };

  it("passes when required effects happened, forbidden ones did not, and final state holds", () => {
    const s = grade(goal, { side_effects: effects });
    expect(s.passed).toBe(true);
    expect(s.dimension).toBe("accuracy");
  });

  it("uses the last write for state and gives partial credit", () => {
    const s = grade(goal, {
      side_effects: [...effects.slice(0, 2), { tool: "issue_refund", effect: "refund.issued" }],
    });
    expect(s.passed).toBe(false);
    expect(s.score).toBeCloseTo(1 / 3, 12);
    expect(s.reason).toContain("forbidden `refund.issued` happened (by issue_refund)");
    expect(s.reason).toContain(
      'final ticket.updated.status: expected "awaiting_approval", got "open"',
    );
  });

  it("refuses `rubric` without a judge, and delegates to one when registered", async () => {
    expect(() => compileAssertions([{ type: "goal-success", rubric: "refund drafted" }])).toThrow(
      /needs the judge module/,
    );
    const registry = createGraderRegistry({
      goalJudge: async (_input, g) => ({ score: 1, passed: true, reason: `judged: ${g.rubric}` }),
    });
    const [a] = compileAssertions([{ ...goal, rubric: "refund drafted, not issued" }], undefined, {
      registry,
    });
    const s = await gradeAssertion(makeInput({ side_effects: effects }), a!);
    expect(s.passed).toBe(true);
    expect(s.reason).toContain("judge: judged: refund drafted, not issued");
  });
});

describe("bad trajectory config is an input error at the key", () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ type: "required-spans", spans: ["/(/"] }, "assertions[0].spans[0]"],
    [{ type: "forbidden-spans" }, "assertions[0].spans"],
    [{ type: "expected-stop-reason", reason: 3 }, "assertions[0].reason"],
    [{ type: "step-count", min: 3, max: 1 }, "assertions[0].max"],
    [{ type: "tool-args-schema", tool: "x", schema: { type: "objekt" } }, "assertions[0].schema"],
    [
      { type: "side-effect", effect: { effect: "x", data: { a: { $regex: "(" } } } },
      "assertions[0].effect.data.a",
    ],
    [{ type: "goal-success", state: { x: { a: { $regex: 1 } } } }, "assertions[0].state.x.a"],
    [{ type: "forbidden-side-effect", efect: "x" }, "assertions[0].efect"],
  ];
  for (const [spec, key] of cases) {
    it(`${String(spec.type)} → ${key}`, () => {
      try {
        compileAssertions([spec as { type: string }], "suites/refunds.yaml:12");
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        expect((e as InputError).location).toMatchObject({
          file: "suites/refunds.yaml",
          line: 12,
          key,
        });
      }
    });
  }
});
