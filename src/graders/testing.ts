import type { Case, ToolCall } from "../core/index.js";
import { compileAssertions } from "./compile.js";
import { gradeAssertion } from "./score.js";
import type { GradeInput } from "./types.js";

/** A plain attempt for tests and the bench; override what the test is about. */
export function makeInput(over: Partial<GradeInput> = {}): GradeInput {
  const c: Case = { id: "case-1", input: "hi", assertions: [], tags: [], severity: "blocking" };
  return {
    case: c,
    output: "",
    messages: [],
    tool_calls: [],
    side_effects: [],
    spans: [],
    steps: 1,
    latency_ms: 100,
    cost_usd: 0.001,
    usage: { input_tokens: 10, output_tokens: 10 },
    ...over,
  };
}

export function calls(...names: Array<string | [string, Record<string, unknown>]>): ToolCall[] {
  return names.map((n, i) =>
    typeof n === "string"
      ? { id: `call_${i + 1}`, name: n, arguments: {} }
      : { id: `call_${i + 1}`, name: n[0], arguments: n[1] },
  );
}

/** Compiles one assertion and grades it synchronously (built-ins are synchronous). */
export function grade(spec: Record<string, unknown>, over: Partial<GradeInput> = {}) {
  const [compiled] = compileAssertions([spec as { type: string }]);
  const score = gradeAssertion(makeInput(over), compiled!);
  if (score instanceof Promise) throw new Error("built-in graders are synchronous");
  return score;
}
