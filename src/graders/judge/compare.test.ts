import { expect, it } from "vitest";
import type { Attempt } from "../../core/index.js";
import { compareVariants } from "./compare.js";
import { createJudgeRuntime } from "./runtime.js";

function attempt(variant: string, caseId: string, output: string): Attempt {
  return {
    id: `${variant}-${caseId}`,
    run_id: "r",
    case_id: caseId,
    epoch: 0,
    variant,
    status: "passed",
    output,
    messages: [{ role: "user", content: "List three primary colors." }],
    tool_calls: [],
    side_effects: [],
    spans: [],
    scores: [],
    dimension_scores: {},
    overall: 1,
    usage: { input_tokens: 0, output_tokens: 0 },
    cost_usd: 0,
    latency_ms: 1,
    retries: 0,
    started_at: "",
    finished_at: "",
    tags: [],
    severity: "warning",
  };
}

async function* stream(items: Attempt[]) {
  yield* items;
}

const good = "- red\n- blue\n- yellow";
const bad = "I'm sorry, I can't help with that.";

it("prefers a variant only when both orders agree; a purely position-biased judge yields flips and ties", async () => {
  const attempts = [
    attempt("a", "c1", good),
    attempt("b", "c1", bad),
    attempt("a", "c2", bad),
    attempt("b", "c2", good),
  ];
  const fair = await compareVariants({
    attempts: stream(attempts),
    variants: ["a", "b"],
    runtime: createJudgeRuntime({ defaultModel: "sim:judge" }),
  });
  expect(fair.pairs[0]!.cases.map((c) => c.preferred)).toEqual(["a", "b"]);
  expect(fair.pairs[0]).toMatchObject({ wins_a: 1, wins_b: 1, ties: 0, flips: 0 });
  expect(fair.judge_cost_usd).toBeGreaterThan(0);

  const same = [attempt("a", "c1", good), attempt("b", "c1", good)];
  const biased = await compareVariants({
    attempts: stream(same),
    variants: ["a", "b"],
    runtime: createJudgeRuntime({ defaultModel: "sim:judge?position_bias=1" }),
  });
  expect(biased.pairs[0]).toMatchObject({ wins_a: 0, wins_b: 0, ties: 1, flips: 1 });
});
