import { z } from "zod";
import type { SideEffect } from "../../core/index.js";
import { plural } from "../text.js";
import type { GradeInput, GradeResult, GraderDefinition } from "../types.js";
import { fail, pass } from "../verdict.js";
import { type ArgsMatcher, compileArgsMatcher, MatcherError } from "./args-matcher.js";
import { compileSchemaParam, formatError } from "./json.js";
import { effectList } from "./trajectory.js";

// ── tool-args-schema ──

const toolArgsSchemaParams = z
  .strictObject({
    tool: z.string().min(1),
    schema: z.record(z.string(), z.unknown()),
    /** Fail when the tool was never called (default: nothing to validate passes). */
    required: z.boolean().default(false),
  })
  .transform((p, ctx) => {
    const validate = compileSchemaParam(p.schema, ctx);
    return validate ? { ...p, validate } : z.NEVER;
  });

export const toolArgsSchema: GraderDefinition<z.output<typeof toolArgsSchemaParams>> = {
  type: "tool-args-schema",
  dimension: "tool_use",
  params: toolArgsSchemaParams,
  negatable: true,
  description:
    "every call of `tool` has arguments valid against `schema` (JSON Schema, ajv); `required: true` fails when it was never called",
  grade(input, p) {
    const calls = input.tool_calls.filter((c) => c.name === p.tool);
    if (calls.length === 0) {
      return p.required
        ? fail(`tool \`${p.tool}\` was not called, so no arguments could be validated`)
        : pass(`tool \`${p.tool}\` was not called (nothing to validate)`);
    }
    const bad: string[] = [];
    for (const call of calls) {
      if (p.validate(call.arguments)) continue;
      const errors = (p.validate.errors ?? []).slice(0, 3).map(formatError).join("; ");
      bad.push(`call ${call.id}: ${errors}`);
    }
    if (bad.length === 0) {
      return pass(`all ${plural(calls.length, "call")} to \`${p.tool}\` have valid arguments`);
    }
    return {
      score: 1 - bad.length / calls.length,
      passed: false,
      reason: `${bad.length} of ${plural(calls.length, "call")} to \`${p.tool}\` have invalid arguments: ${bad.slice(0, 2).join(" | ")}`,
      details: { invalid: bad.length, calls: calls.length },
    };
  },
};

// ── goal-success ──

/**
 * The LLM-judged form of `goal-success` (`rubric:`), supplied by the judges module through
 * `createGraderRegistry({ goalJudge })`. It receives the attempt and the rubric and returns
 * a verdict; the deterministic conditions, if any, are checked first and combined with it.
 */
export type GoalJudge = (
  input: GradeInput,
  goal: { rubric: string; model?: string },
) => Promise<GradeResult>;

/**
 * Final state of the mocked world: per effect name, the data of its last occurrence
 * (later effects overwrite earlier ones, like writes to a record).
 */
export function finalState(effects: readonly SideEffect[]): Map<string, SideEffect> {
  const state = new Map<string, SideEffect>();
  for (const e of effects) state.set(e.effect, e);
  return state;
}

interface StatePredicate {
  effect: string;
  matcher: ArgsMatcher;
}

const goalParams = (hasJudge: boolean) =>
  z
    .strictObject({
      /** Effects that must each have happened at least once. */
      effects: effectList().optional(),
      /** Effects that must not have happened. */
      forbid: effectList().optional(),
      /** Per effect name, a partial match on the data of its last occurrence. */
      state: z.record(z.string().min(1), z.record(z.string(), z.unknown())).optional(),
      /** LLM-judged goal (needs the judges module). */
      rubric: z.string().min(1).optional(),
      judge_model: z.string().min(1).optional(),
    })
    .superRefine((p, ctx) => {
      if (!p.effects && !p.forbid && !p.state && !p.rubric) {
        ctx.addIssue({
          code: "custom",
          message:
            "give at least one of `effects`, `forbid`, `state` (or `rubric` for an LLM judge)",
        });
      }
      if (p.rubric !== undefined && !hasJudge) {
        ctx.addIssue({
          code: "custom",
          path: ["rubric"],
          message:
            "an LLM-judged goal needs the judge module, which is not enabled here; use the deterministic form (`effects`, `forbid`, `state`)",
        });
      }
    })
    .transform((p, ctx) => {
      const state: StatePredicate[] = [];
      for (const [effect, data] of Object.entries(p.state ?? {})) {
        try {
          state.push({ effect, matcher: compileArgsMatcher(data) });
        } catch (error) {
          if (!(error instanceof MatcherError)) throw error;
          ctx.addIssue({
            code: "custom",
            path: ["state", effect, ...error.path],
            message: error.message,
          });
          return z.NEVER;
        }
      }
      return { ...p, statePredicates: state };
    });

type GoalParams = z.output<ReturnType<typeof goalParams>>;

function checkDeterministic(input: GradeInput, p: GoalParams): { met: string[]; unmet: string[] } {
  const met: string[] = [];
  const unmet: string[] = [];
  const effects = input.side_effects;
  for (const m of p.effects ?? []) {
    if (effects.some((e) => m.test(e))) met.push(`\`${m.label}\` happened`);
    else unmet.push(`\`${m.label}\` did not happen`);
  }
  for (const m of p.forbid ?? []) {
    const hit = effects.find((e) => m.test(e));
    if (hit) unmet.push(`forbidden \`${hit.effect}\` happened (by ${hit.tool})`);
    else met.push(`no \`${m.label}\``);
  }
  const state = finalState(effects);
  for (const pred of p.statePredicates) {
    const last = state.get(pred.effect);
    if (last === undefined) {
      unmet.push(`final state has no \`${pred.effect}\``);
      continue;
    }
    const problems: string[] = [];
    pred.matcher(last.data ?? {}, `${pred.effect}`, problems);
    if (problems.length === 0) met.push(`final \`${pred.effect}\` matches`);
    else unmet.push(`final ${problems.slice(0, 2).join("; ")}`);
  }
  return { met, unmet };
}

export function createGoalSuccessGrader(judge?: GoalJudge) {
  const params = goalParams(judge !== undefined);
  const def: GraderDefinition<GoalParams> = {
    type: "goal-success",
    dimension: "accuracy",
    params,
    negatable: true,
    description:
      "the trajectory reached the goal: required `effects` happened, `forbid` effects did not, final `state` predicates hold (mocked tools); `rubric` for an LLM judge when enabled",
    grade(input, p) {
      const { met, unmet } = checkDeterministic(input, p);
      const total = met.length + unmet.length;
      const deterministic: GradeResult =
        total === 0
          ? pass("no deterministic conditions")
          : unmet.length === 0
            ? pass(`goal reached: ${met.join("; ")}`)
            : {
                score: met.length / total,
                passed: false,
                reason: `goal not reached: ${unmet.join("; ")}`,
                details: { unmet },
              };
      if (p.rubric === undefined || judge === undefined) return deterministic;
      const goal = { rubric: p.rubric, ...(p.judge_model ? { model: p.judge_model } : {}) };
      return judge(input, goal).then((j) => {
        if (total === 0) return j;
        return {
          score: (deterministic.score * total + j.score) / (total + 1),
          passed: deterministic.passed && j.passed,
          reason: `${deterministic.reason}; judge: ${j.reason}`,
        };
      });
    },
  };
  return def;
}
