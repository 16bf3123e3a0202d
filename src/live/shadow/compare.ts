import type { AgentRunResult } from "../../agents/index.js";
import type { AssertionSpec, Case } from "../../core/index.js";
import {
  type CompiledAssertion,
  compileAssertions,
  type JudgeRuntime,
  judgeCostOf,
  judgePairwise,
  PAIRWISE_RUBRIC,
  scoreAttempt,
} from "../../graders/index.js";
import type { GraderOutcome, PairOutcome, ReplayInput } from "./types.js";

/**
 * Graders of the suite that can grade a production answer: they read only the output (text,
 * JSON, safety) or ask a judge without a reference. Graders that need an expected value or
 * the case's own data (equals, reference judges, tool expectations) have nothing to compare
 * with on a production input, and latency / cost budgets would compare the challenger's
 * numbers with a recording that has none of ours; those are left out and named in the report.
 */
const OUTPUT_GRADERS = new Set([
  "contains",
  "icontains",
  "not-contains",
  "regex",
  "json-valid",
  "json-schema",
  "no-pii",
  "no-refusal",
  "refusal",
  "forbidden-content",
  "output-must-not-contain",
  "judge",
]);

export interface ShadowGraders {
  compiled: CompiledAssertion[];
  names: string[];
  /** Assertions of the suite left out, with why. */
  left_out: string[];
}

const nameOf = (spec: AssertionSpec): string =>
  typeof spec.name === "string" ? `${spec.type}:${spec.name}` : spec.type;

export function shadowGraders(assertions: readonly AssertionSpec[]): ShadowGraders {
  const kept: AssertionSpec[] = [];
  const leftOut: string[] = [];
  for (const spec of assertions) {
    if (!OUTPUT_GRADERS.has(spec.type))
      leftOut.push(`${nameOf(spec)} (needs more than the answer)`);
    else if (spec.reference === true) leftOut.push(`${nameOf(spec)} (needs a reference answer)`);
    else kept.push(spec);
  }
  return {
    compiled: compileAssertions(kept, undefined, { keyPrefix: "evaluation.assertions" }),
    names: kept.map(nameOf),
    left_out: leftOut,
  };
}

const caseOf = (input: ReplayInput): Case => ({
  id: input.trace_id,
  input: input.input,
  assertions: [],
  tags: ["shadow"],
  severity: "warning",
});

async function grade(
  graders: ShadowGraders,
  judge: JudgeRuntime,
  c: Case,
  side: Pick<AgentRunResult, "output" | "messages" | "tool_calls">,
): Promise<{ passed: boolean[]; cost: number }> {
  if (graders.compiled.length === 0) return { passed: [], cost: 0 };
  const scored = await scoreAttempt(
    {
      judge,
      case: c,
      output: side.output,
      messages: side.messages,
      tool_calls: side.tool_calls,
      side_effects: [],
      spans: [],
      steps: 0,
      latency_ms: 0,
      cost_usd: 0,
      usage: { input_tokens: 0, output_tokens: 0 },
    },
    graders.compiled,
  );
  return { passed: scored.scores.map((s) => s.passed), cost: judgeCostOf(scored.scores) };
}

export interface Comparison {
  outcome: PairOutcome;
  flip: boolean;
  reasoning?: string;
  graders: GraderOutcome[];
  judge_calls: number;
  judge_cost_usd: number;
}

/**
 * The champion's recorded answer against the challenger's: the suite's output graders on
 * both, and the pairwise judge asked in both orders (a preference counts only when both
 * orders agree; a flip is a tie).
 */
export async function compareAnswers(
  graders: ShadowGraders,
  judge: { runtime: JudgeRuntime; model: string },
  input: ReplayInput,
  challenger: AgentRunResult,
): Promise<Comparison> {
  const c = caseOf(input);
  const [champ, chall] = await Promise.all([
    grade(graders, judge.runtime, c, {
      output: input.champion_output,
      messages: input.champion_messages,
      tool_calls: input.champion_tool_calls,
    }),
    grade(graders, judge.runtime, c, challenger),
  ]);
  const outcome: Comparison = {
    outcome: "tie",
    flip: false,
    graders: graders.names.map((grader, i) => ({
      grader,
      champion: champ.passed[i] ?? false,
      challenger: chall.passed[i] ?? false,
    })),
    judge_calls: 0,
    judge_cost_usd: champ.cost + chall.cost,
  };
  try {
    const verdict = await judgePairwise(judge.runtime, judge.model, {
      rubric: PAIRWISE_RUBRIC,
      input: input.input.map((m) => `${m.role}: ${m.content}`).join("\n"),
      first: input.champion_output,
      second: challenger.output,
    });
    outcome.outcome =
      verdict.preferred === 2 ? "better" : verdict.preferred === 1 ? "worse" : "tie";
    outcome.flip = verdict.flip;
    if (verdict.reasoning) outcome.reasoning = verdict.reasoning.slice(0, 500);
    outcome.judge_calls = verdict.calls;
    outcome.judge_cost_usd += verdict.cost_usd;
  } catch (error) {
    outcome.outcome = "judge_error";
    outcome.reasoning = error instanceof Error ? error.message.slice(0, 500) : String(error);
  }
  return outcome;
}
