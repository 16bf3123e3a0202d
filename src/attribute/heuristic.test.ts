import { describe, expect, it } from "vitest";
import { attributeHeuristic, POSITION_WEIGHT, scoreSteps } from "./heuristic.js";
import { collectSignals, SIGNAL_WEIGHTS, type SignalKind } from "./signals.js";
import type { Step, Trajectory } from "./types.js";

/** Steps from `[agent, content]` pairs; an agent label `A (-> B)` is a handoff from A to B. */
function trajectory(...rows: Array<[string, string, Partial<Step>?]>): Trajectory {
  return {
    id: "t",
    steps: rows.map(([label, content, extra], index) => ({
      index,
      agent: label.replace(/\s*\(.*\)$/, ""),
      role: label,
      content,
      ...extra,
    })),
  };
}

const kinds = (t: Trajectory, kind: SignalKind) =>
  collectSignals(t.steps)
    .filter((s) => s.kind === kind)
    .map((s) => s.step);

describe("heuristic signals", () => {
  it("a failed code run blames the step whose code ran", () => {
    const t = trajectory(
      ["Manager_Expert", "solve the task"],
      ["Coder_Expert", "```python\nprint(1/0)\n```"],
      ["Computer_terminal", "exitcode: 1 (execution failed)\nZeroDivisionError: division by zero"],
      ["Coder_Expert", "TERMINATE"],
    );
    expect(kinds(t, "caused-error")).toEqual([1]);
    const got = attributeHeuristic(t);
    expect([got.agent, got.step.index]).toEqual(["Coder_Expert", 1]);
    expect(got.evidence.join("\n")).toMatch(/step 2 failed after it: .*ZeroDivisionError/);
  });

  it("an agent's own failed tool call is an error on its step", () => {
    const t = trajectory(
      ["user", "task"],
      [
        "booker",
        "booking",
        {
          toolCalls: [{ name: "book", error: "sold out" }],
        },
      ],
    );
    expect(kinds(t, "error")).toEqual([1]);
  });

  it("a correction by another agent blames the corrected agent; an apology its own earlier step", () => {
    const other = trajectory(
      ["user", "task"],
      ["Math_Expert", "the sum is 12"],
      ["Verifier_Expert", "That is incorrect: 5 + 8 is 13."],
    );
    expect(kinds(other, "corrected")).toEqual([1]);
    const self = trajectory(
      ["user", "task"],
      ["Math_Expert", "the sum is 12"],
      ["Verifier_Expert", "checking"],
      ["Math_Expert", "I apologize, my previous answer was off by one."],
    );
    expect(kinds(self, "corrected")).toEqual([1]);
  });

  it("a step working from assumed or invented data is a fabrication", () => {
    const t = trajectory(
      ["user", "task"],
      ["Data_Expert", "Let's assume the table has these hypothetical values: 3, 4."],
      ["Data_Expert", "the mean is 3.5"],
    );
    expect(kinds(t, "fabrication")).toEqual([1]);
  });

  it("a handoff whose answer is soon corrected blames the receiving agent", () => {
    const t = trajectory(
      ["human", "find the opening hours"],
      ["Orchestrator (thought)", "ask the web surfer"],
      ["Orchestrator (-> WebSurfer)", "search opening hours"],
      ["WebSurfer", "Opening hours: 9-17"],
      ["Orchestrator (thought)", "that is wrong, the page was for another shop"],
    );
    expect(kinds(t, "handoff")).toEqual([3]);
    // A handoff followed by nothing going wrong is no signal.
    const fine = trajectory(
      ["human", "task"],
      ["Orchestrator (-> WebSurfer)", "search"],
      ["WebSurfer", "Opening hours: 9-17"],
      ["Orchestrator (thought)", "done"],
    );
    expect(kinds(fine, "handoff")).toEqual([]);
  });

  it("the first action goes to a worker, not to the coordinator handing out work", () => {
    const t = trajectory(
      ["human", "task"],
      ["Orchestrator (thought)", "plan"],
      ["Orchestrator (-> WebSurfer)", "search"],
      ["WebSurfer", "results"],
    );
    expect(kinds(t, "first-action")).toEqual([3]);
    const flat = trajectory(["Planner", "task"], ["Solver", "answer 4"], ["Solver", "TERMINATE"]);
    expect(kinds(flat, "first-action")).toEqual([1]);
    expect(kinds(flat, "final-answer")).toEqual([1]);
  });

  it("the asker and tool relays are never blamed", () => {
    const t = trajectory(["human", "task: is it wrong?"], ["Computer_terminal", "exitcode: 0"]);
    const scored = scoreSteps(t);
    expect(scored).toEqual([]);
    // With nobody else to blame, the first step is all there is.
    expect(attributeHeuristic(t).step.index).toBe(0);
  });
});

describe("combined score", () => {
  it("is the sum of signal weights plus the position prior", () => {
    const t = trajectory(
      ["Manager_Expert", "solve the task"],
      ["Coder_Expert", "```python\nprint(1/0)\n```"],
      ["Computer_terminal", "exitcode: 1 (execution failed)"],
      ["Coder_Expert", "fixed"],
    );
    const scored = scoreSteps(t);
    const coder = scored.find((s) => s.step.index === 1);
    // caused-error + first-action + prior at position 1 of 3.
    const expected =
      SIGNAL_WEIGHTS["caused-error"] + SIGNAL_WEIGHTS["first-action"] + POSITION_WEIGHT * (2 / 3);
    expect(coder?.score).toBeCloseTo(expected, 12);
    // The final step only gets final-answer and no prior.
    expect(scored.find((s) => s.step.index === 3)?.score).toBeCloseTo(
      SIGNAL_WEIGHTS["final-answer"],
      12,
    );
  });

  it("counts a kind of signal once per step, however many steps witness it", () => {
    const t = trajectory(
      ["user", "task"],
      ["Math_Expert", "the sum is 12"],
      ["Verifier_Expert", "That is incorrect."],
      ["Verifier_Expert", "Still wrong."],
    );
    expect(kinds(t, "corrected")).toEqual([1, 1]);
    const math = scoreSteps(t).find((s) => s.step.index === 1);
    expect(math?.signals.map((s) => s.kind)).toEqual(["corrected", "first-action"]);
    expect(math?.score).toBeCloseTo(
      SIGNAL_WEIGHTS.corrected + SIGNAL_WEIGHTS["first-action"] + POSITION_WEIGHT * (2 / 3),
      12,
    );
  });

  it("weights can be overridden, e.g. to switch a signal off", () => {
    const t = trajectory(
      ["Manager_Expert", "solve"],
      ["A_Expert", "I will look it up."],
      ["B_Expert", "Since I cannot access the site, here is placeholder data: 7."],
    );
    expect(attributeHeuristic(t).agent).toBe("B_Expert");
    expect(attributeHeuristic(t, { weights: { fabrication: 0 } }).agent).toBe("A_Expert");
  });

  it("a stronger signal later beats the position prior", () => {
    const t = trajectory(
      ["Manager_Expert", "solve"],
      ["A_Expert", "I will look it up."],
      ["B_Expert", "Since I cannot access the site, here is placeholder data: 7."],
      ["A_Expert", "TERMINATE"],
    );
    expect(attributeHeuristic(t).agent).toBe("B_Expert");
  });

  it("an empty trajectory is bad input", () => {
    expect(() => attributeHeuristic({ id: "x", steps: [] })).toThrow(/no steps/);
  });
});
