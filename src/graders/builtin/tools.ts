import { z } from "zod";
import type { ToolCall } from "../../core/index.js";
import { didYouMean } from "../suggest.js";
import { plural } from "../text.js";
import type { GraderDefinition } from "../types.js";
import { fail, pass } from "../verdict.js";
import { compileArgsMatcher, MatcherError } from "./args-matcher.js";
import { count, MAX_AT_LEAST_MIN, maxAtLeastMin } from "./counts.js";

const MAX_LISTED = 12;

function calledList(calls: ToolCall[]): string {
  if (calls.length === 0) return "no tools were called";
  const names = calls.slice(0, MAX_LISTED).map((c) => c.name);
  const more = calls.length > MAX_LISTED ? `, … (+${calls.length - MAX_LISTED} more)` : "";
  return `tools called: ${names.join(", ")}${more}`;
}

function notCalledHint(tool: string, calls: ToolCall[]): string {
  return `${calledList(calls)}${didYouMean(tool, new Set(calls.map((c) => c.name)))}`;
}

const toolName = z.string().min(1);

const toolCalledParams = z
  .strictObject({ tool: toolName, min: count.default(1), max: count.optional() })
  .refine(maxAtLeastMin, MAX_AT_LEAST_MIN);

export const toolCalled: GraderDefinition<z.output<typeof toolCalledParams>> = {
  type: "tool-called",
  dimension: "tool_use",
  params: toolCalledParams,
  negatable: true,
  description: "tool `tool` was called between `min` (default 1) and `max` times",
  grade(input, p) {
    let n = 0;
    for (const call of input.tool_calls) if (call.name === p.tool) n++;
    const range =
      p.max === undefined
        ? `at least ${p.min}`
        : p.max === p.min
          ? `exactly ${p.min}`
          : `${p.min} to ${p.max}`;
    const ok = n >= p.min && (p.max === undefined || n <= p.max);
    if (ok) return pass(`tool \`${p.tool}\` was called ${plural(n, "time")}`, { count: n });
    if (n === 0) {
      return fail(
        `tool \`${p.tool}\` was not called (expected ${range}); ${notCalledHint(p.tool, input.tool_calls)}`,
        { count: n },
      );
    }
    return fail(`tool \`${p.tool}\` was called ${plural(n, "time")} (expected ${range})`, {
      count: n,
    });
  },
};

const toolNotCalledParams = z
  .strictObject({ tool: z.union([toolName, z.array(toolName).min(1)]) })
  .transform((p) => ({ tools: typeof p.tool === "string" ? [p.tool] : p.tool }));

export const toolNotCalled: GraderDefinition<z.output<typeof toolNotCalledParams>> = {
  type: "tool-not-called",
  dimension: "tool_use",
  params: toolNotCalledParams,
  description: "none of the tools in `tool` was called",
  grade(input, p) {
    const hits = input.tool_calls.filter((c) => p.tools.includes(c.name));
    if (hits.length === 0) {
      return pass(
        `tool${p.tools.length === 1 ? "" : "s"} ${p.tools.map((t) => `\`${t}\``).join(", ")} not called`,
      );
    }
    const names = [...new Set(hits.map((c) => c.name))];
    return fail(
      `forbidden tool ${names.map((t) => `\`${t}\``).join(", ")} was called ${plural(hits.length, "time")} (call ${hits
        .slice(0, 3)
        .map((c) => c.id)
        .join(", ")})`,
      { calls: hits.map((c) => c.id) },
    );
  },
};

const toolSequenceParams = z.strictObject({
  tools: z.array(toolName).min(1),
  strict: z.boolean().default(false),
});

export const toolSequence: GraderDefinition<z.output<typeof toolSequenceParams>> = {
  type: "tool-sequence",
  dimension: "tool_use",
  params: toolSequenceParams,
  negatable: true,
  description: "tools were called in this order (`strict: true` for exactly this sequence)",
  grade(input, p) {
    const actual = input.tool_calls.map((c) => c.name);
    const expected = p.tools.join(" → ");
    if (p.strict) {
      const same = actual.length === p.tools.length && actual.every((n, i) => n === p.tools[i]);
      if (same) return pass(`tools were called exactly as ${expected}`);
      let i = 0;
      while (i < actual.length && i < p.tools.length && actual[i] === p.tools[i]) i++;
      const got = i < actual.length ? `\`${actual[i]}\`` : "nothing";
      const want = i < p.tools.length ? `\`${p.tools[i]}\`` : "no further call";
      return fail(
        `expected exactly ${expected}; step ${i + 1} differs: expected ${want}, got ${got}; ${calledList(input.tool_calls)}`,
      );
    }
    let k = 0;
    for (const name of actual) if (k < p.tools.length && name === p.tools[k]) k++;
    if (k === p.tools.length) return pass(`tools were called in order ${expected}`);
    const missing = p.tools[k]!;
    const where =
      k === 0
        ? `\`${missing}\` was never called`
        : `matched ${p.tools.slice(0, k).join(" → ")}, then \`${missing}\` was not called after \`${p.tools[k - 1]}\``;
    return {
      score: k / p.tools.length,
      passed: false,
      reason: `expected ${expected} in order; ${where}; ${calledList(input.tool_calls)}`,
      details: { matched: k },
    };
  },
};

const toolArgsParams = z
  .strictObject({
    tool: toolName,
    args: z.record(z.string(), z.unknown()),
    match: z.enum(["any", "all"]).default("any"),
  })
  .transform((p, ctx) => {
    try {
      return { ...p, matcher: compileArgsMatcher(p.args) };
    } catch (error) {
      if (!(error instanceof MatcherError)) throw error;
      ctx.addIssue({ code: "custom", path: ["args", ...error.path], message: error.message });
      return z.NEVER;
    }
  });

export const toolArgsMatch: GraderDefinition<z.output<typeof toolArgsParams>> = {
  type: "tool-args-match",
  dimension: "tool_use",
  params: toolArgsParams,
  negatable: true,
  description: "a call to `tool` has arguments matching `args` (partial; `{ $regex }` values)",
  grade(input, p) {
    const calls = input.tool_calls.filter((c) => c.name === p.tool);
    if (calls.length === 0) {
      return fail(`tool \`${p.tool}\` was not called; ${notCalledHint(p.tool, input.tool_calls)}`);
    }
    const results = calls.map((call) => {
      const out: string[] = [];
      p.matcher(call.arguments, "$", out);
      return { call, out };
    });
    const good = results.filter((r) => r.out.length === 0);
    if (p.match === "all") {
      const bad = results.find((r) => r.out.length > 0);
      if (bad === undefined)
        return pass(
          `all ${plural(calls.length, "call")} to \`${p.tool}\` match the expected arguments`,
        );
      return fail(
        `call ${bad.call.id} to \`${p.tool}\` does not match: ${bad.out.slice(0, 3).join("; ")} (${good.length} of ${calls.length} calls match)`,
      );
    }
    if (good.length > 0)
      return pass(`call ${good[0]!.call.id} to \`${p.tool}\` matches the expected arguments`);
    const closest = results.reduce((a, b) => (b.out.length < a.out.length ? b : a));
    return fail(
      `no call to \`${p.tool}\` has the expected arguments; closest (call ${closest.call.id}): ${closest.out.slice(0, 3).join("; ")}`,
    );
  },
};

const maxStepsParams = z.strictObject({ max: count });

export const maxSteps: GraderDefinition<z.output<typeof maxStepsParams>> = {
  type: "max-steps",
  dimension: "tool_use",
  params: maxStepsParams,
  description: "the agent took at most `max` steps",
  grade(input, p) {
    return input.steps <= p.max
      ? pass(`took ${plural(input.steps, "step")} (max ${p.max})`)
      : fail(`took ${plural(input.steps, "step")}, more than the max of ${p.max}`);
  },
};
