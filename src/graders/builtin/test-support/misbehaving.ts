import type { GradeInput } from "../../types.js";

/** Custom graders that misbehave the ways users' code does, for the user-code tests. */

export function passes(input: GradeInput): boolean {
  return input.output.length > 0;
}

export function spins(): boolean {
  for (;;) {}
}

export async function spinsAfterAwait(): Promise<boolean> {
  await new Promise((resolve) => setTimeout(resolve, 1));
  for (;;) {}
}

export function exits(): boolean {
  process.exit(0);
}

export function throwsRangeError(): boolean {
  throw new RangeError("score 42 is out of range for order ORD-1001");
}

export function returnsAFunction() {
  return { score: 1, details: { callback: () => 1 } };
}

/** Echoes what crossed the worker boundary, so a test can see the attempt arrive whole. */
export function echoesInput(input: GradeInput, config: unknown) {
  return {
    score: 1,
    reason: "echo",
    details: { caseId: input.case.id, tools: input.tool_calls.map((c) => c.name), config },
  };
}
