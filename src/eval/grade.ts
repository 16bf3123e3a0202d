import type { RatchetConfig } from "../config/index.js";
import type { Dimension } from "../core/index.js";
import {
  compileAssertions,
  compileCase,
  type GraderRegistry,
  judgeCostOf,
  type judgeRuntimeFromConfig,
  scoreAttempt,
} from "../graders/index.js";
import type { GradeFn } from "../runner/index.js";
import type { CompiledCases } from "./cases.js";

/**
 * The runner's grade function: the config's global assertions plus each case's own and
 * implicit ones, scored per dimension with the config's weights.
 */
export function createGrader(
  config: RatchetConfig,
  registry: GraderRegistry,
  judge: ReturnType<typeof judgeRuntimeFromConfig>,
  compiledByCase: CompiledCases,
): GradeFn {
  const weights = config.evaluation.dimensions as Partial<Record<Dimension, number>>;
  const globalAssertions = compileAssertions(config.evaluation.assertions, undefined, {
    registry,
    keyPrefix: "evaluation.assertions",
  });
  // The runner passes the same case object for every epoch and variant: compile it once
  // (cases kept from the validation pass arrive already compiled).
  return async (testCase, result, error, timing, signal) => {
    let caseAssertions = compiledByCase.get(testCase);
    if (!caseAssertions) {
      caseAssertions = compileCase(testCase, registry);
      compiledByCase.set(testCase, caseAssertions);
    }
    const compiled = [...globalAssertions, ...caseAssertions];
    const grading = await scoreAttempt(
      {
        judge,
        case: testCase,
        output: result?.output ?? "",
        messages: result?.messages ?? [],
        tool_calls: result?.tool_calls ?? [],
        side_effects: result?.side_effects ?? [],
        spans: result?.spans ?? [],
        steps: result?.steps ?? 0,
        latency_ms: timing.latency_ms,
        cost_usd: result?.cost_usd ?? 0,
        usage: result?.usage ?? { input_tokens: 0, output_tokens: 0 },
        ...(error ? { error } : {}),
        ...(signal ? { signal } : {}),
      },
      compiled,
      { weights },
    );
    // Judge calls are spend of this attempt too, kept visible per score in `details`.
    return { ...grading, cost_usd: judgeCostOf(grading.scores) };
  };
}
