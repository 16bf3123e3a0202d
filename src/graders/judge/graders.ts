import { z } from "zod";
import { type Case, errorMessage, type Usage } from "../../core/index.js";
import { snippet } from "../text.js";
import type { GradeInput, GradeResult, GraderDefinition } from "../types.js";
import {
  closedQaRubric,
  FACTUALITY_RUBRIC,
  judgeIdentity,
  judgeModelFor,
  PAIRWISE_RUBRIC,
} from "./identity.js";
import { defaultJudgeRuntime } from "./runtime.js";
import { JudgeError, type JudgeRuntime } from "./types.js";
import { judgePairwise, judgePointwise, type PointwiseResult, type Scale } from "./verdicts.js";
import { judgeVersion } from "./version.js";

const scaleParam = z
  .tuple([z.number(), z.number()])
  .refine(([lo, hi]) => hi > lo, "scale must be [min, max] with max > min")
  .default([0, 10]);

const common = {
  /** Judge model; else the dimension's judge, else `evaluation.judge_model`. */
  model: z.string().min(1).optional(),
  /** Retries after a malformed answer; default from the runtime (1). */
  retries: z.int().min(0).max(5).optional(),
  /** Pass at this normalized score (0..1). */
  threshold: z.number().min(0).max(1).optional(),
  /** Send the case input to the judge (default true). */
  include_input: z.boolean().default(true),
};

const referenceParam = z.union([z.string(), z.boolean()]).optional();

export function caseInputText(testCase: Case): string {
  if (typeof testCase.input === "string") return testCase.input;
  return testCase.input.map((m) => `${m.role}: ${m.content}`).join("\n");
}

/** `reference: true` (or the grader's default) means the case's expected output. */
function referenceOf(input: GradeInput, ref: string | boolean | undefined, byDefault: boolean) {
  if (typeof ref === "string") return ref;
  if (ref === false || (ref === undefined && !byDefault)) return undefined;
  const expected = input.case.expected;
  if (expected?.output !== undefined) return expected.output;
  if (expected?.json !== undefined) return JSON.stringify(expected.json);
  return undefined;
}

function runtimeOf(input: GradeInput): JudgeRuntime {
  return input.judge ?? defaultJudgeRuntime();
}

/** A judge failure is a classified, explained failure (never a silent 0 score). */
export function judgeFailure(error: unknown, version?: string): GradeResult {
  const j = error instanceof JudgeError ? error : undefined;
  return {
    score: 0,
    passed: false,
    reason: `judge error: ${snippet(errorMessage(error), 240)}`,
    details: {
      error_class: "judge_error",
      judge_cost_usd: j?.cost_usd ?? 0,
      judge_calls: j?.calls ?? 0,
      ...(version ? { judge_version: version } : {}),
    },
  };
}

function tokens(u: Usage): number {
  return u.input_tokens + u.output_tokens;
}

function pointwiseResult(
  r: PointwiseResult,
  scale: Scale,
  threshold: number,
  version: string,
): GradeResult {
  const passed = r.normalized >= threshold;
  return {
    score: r.normalized,
    passed,
    reason: `judge ${r.model}: ${r.score}/${scale.max} (${r.label}${r.steps ? `, step mean ${(r.normalized * 100).toFixed(0)}%` : ""}): ${snippet(r.reasoning, 200)}`,
    details: {
      judge_model: r.model,
      judge_version: version,
      judge_score: r.score,
      judge_label: r.label,
      judge_reasoning: r.reasoning,
      ...(r.steps ? { judge_steps: r.steps } : {}),
      ...(r.clamped ? { judge_clamped: true } : {}),
      judge_cost_usd: r.cost_usd,
      judge_tokens: tokens(r.usage),
      judge_calls: r.calls,
    },
  };
}

interface PointwiseSpec {
  type: string;
  rubric: string;
  scale: Scale;
  steps?: string[];
  reference?: string;
  needsReference: boolean;
}

async function gradePointwise(
  input: GradeInput,
  p: z.output<z.ZodObject<typeof common>> & Record<string, unknown>,
  spec: PointwiseSpec,
): Promise<GradeResult> {
  let version: string | undefined;
  try {
    const runtime = runtimeOf(input);
    const model = judgeModelFor(runtime, p.model, spec.type);
    version = judgeVersion(judgeIdentity(spec.type, p as Record<string, unknown>, model));
    if (spec.needsReference && spec.reference === undefined) {
      throw new JudgeError(
        `\`${spec.type}\` needs a reference: give \`reference\` or the case's \`expected.output\``,
        { input_tokens: 0, output_tokens: 0 },
        0,
        0,
      );
    }
    const r = await judgePointwise(runtime, model, {
      rubric: spec.rubric,
      scale: spec.scale,
      ...(spec.steps ? { steps: spec.steps } : {}),
      ...(p.include_input ? { input: caseInputText(input.case) } : {}),
      candidate: input.output,
      ...(spec.reference !== undefined ? { reference: spec.reference } : {}),
      ...(p.retries !== undefined ? { retries: p.retries } : {}),
    });
    return pointwiseResult(r, spec.scale, p.threshold ?? 0.7, version);
  } catch (error) {
    return judgeFailure(error, version);
  }
}

const toScale = ([min, max]: [number, number]): Scale => ({ min, max });

const judgeParams = z.strictObject({
  ...common,
  rubric: z.string().min(1),
  scale: scaleParam,
  /** G-Eval style evaluation steps: each is scored, the step mean is the score. */
  steps: z.array(z.string().min(1)).min(1).optional(),
  reference: referenceParam,
});

export const judgeGrader: GraderDefinition<z.output<typeof judgeParams>> = {
  type: "judge",
  dimension: "accuracy",
  params: judgeParams,
  description: "an LLM judge grades the output against `rubric` (optional `steps`, `reference`)",
  grade(input, p) {
    const reference = referenceOf(input, p.reference, false);
    return gradePointwise(input, p, {
      type: "judge",
      rubric: p.rubric,
      scale: toScale(p.scale),
      ...(p.steps ? { steps: p.steps } : {}),
      ...(reference !== undefined ? { reference } : {}),
      needsReference: false,
    });
  },
};

const factualityParams = z.strictObject({
  ...common,
  reference: referenceParam,
  scale: scaleParam,
});

export const factualityGrader: GraderDefinition<z.output<typeof factualityParams>> = {
  type: "factuality",
  dimension: "accuracy",
  params: factualityParams,
  description: "an LLM judge checks the output is consistent with the reference answer",
  grade(input, p) {
    const reference = referenceOf(input, p.reference, true);
    return gradePointwise(input, p, {
      type: "factuality",
      rubric: FACTUALITY_RUBRIC,
      scale: toScale(p.scale),
      ...(reference !== undefined ? { reference } : {}),
      needsReference: true,
    });
  },
};

const closedQaParams = z.strictObject({
  ...common,
  criteria: z.string().min(1),
  reference: referenceParam,
  scale: scaleParam,
});

export const closedQaGrader: GraderDefinition<z.output<typeof closedQaParams>> = {
  type: "closed-qa",
  dimension: "accuracy",
  params: closedQaParams,
  description: "an LLM judge checks the output answers the question and meets `criteria`",
  grade(input, p) {
    const reference = referenceOf(input, p.reference, false);
    return gradePointwise(input, p, {
      type: "closed-qa",
      rubric: closedQaRubric(p.criteria),
      scale: toScale(p.scale),
      ...(reference !== undefined ? { reference } : {}),
      needsReference: false,
    });
  },
};

const pairwiseParams = z.strictObject({
  ...common,
  /** The output to compare against; default the case's expected output. */
  baseline: z.string().optional(),
  rubric: z.string().min(1).default(PAIRWISE_RUBRIC),
});

export const pairwiseGrader: GraderDefinition<z.output<typeof pairwiseParams>> = {
  type: "pairwise",
  dimension: "accuracy",
  params: pairwiseParams,
  description:
    "an LLM judge compares the output with `baseline` in both orders (1 win, 0.5 tie, 0 loss)",
  async grade(input, p) {
    let version: string | undefined;
    try {
      const runtime = runtimeOf(input);
      const model = judgeModelFor(runtime, p.model, "pairwise");
      version = judgeVersion(judgeIdentity("pairwise", p, model));
      const baseline = p.baseline ?? referenceOf(input, undefined, true);
      if (baseline === undefined) {
        throw new JudgeError(
          "`pairwise` needs a `baseline` or the case's `expected.output` to compare against",
          { input_tokens: 0, output_tokens: 0 },
          0,
          0,
        );
      }
      const r = await judgePairwise(runtime, model, {
        rubric: p.rubric,
        input: p.include_input ? caseInputText(input.case) : "",
        first: input.output,
        second: baseline,
        ...(p.retries !== undefined ? { retries: p.retries } : {}),
      });
      const score = r.preferred === 1 ? 1 : r.preferred === 2 ? 0 : 0.5;
      const what =
        r.preferred === 1
          ? "preferred over the baseline in both orders"
          : r.preferred === 2
            ? "the baseline was preferred in both orders"
            : r.flip
              ? "tie: the verdict flipped when the order was swapped (position bias)"
              : "tie";
      return {
        score,
        passed: score >= (p.threshold ?? 0.5),
        reason: `judge ${model}: ${what}`,
        details: {
          judge_model: model,
          judge_version: version,
          judge_preferred: r.preferred === 1 ? "output" : r.preferred === 2 ? "baseline" : "tie",
          judge_flip: r.flip,
          // Each order's choice, 1 = this output, 2 = the baseline (calibration reads them).
          judge_in_order: r.inOrder,
          judge_swapped: r.swapped,
          judge_reasoning: r.reasoning,
          judge_cost_usd: r.cost_usd,
          judge_tokens: tokens(r.usage),
          judge_calls: r.calls,
        },
      };
    } catch (error) {
      return judgeFailure(error, version);
    }
  },
};

const panelParams = z.strictObject({
  ...common,
  models: z.array(z.string().min(1)).min(2),
  rubric: z.string().min(1),
  scale: scaleParam,
  mode: z.enum(["mean", "majority"]).default("mean"),
  reference: referenceParam,
});

export const panelGrader: GraderDefinition<z.output<typeof panelParams>> = {
  type: "panel",
  dimension: "accuracy",
  params: panelParams,
  description: "several judge models grade against `rubric`; `mode` mean of scores or majority",
  async grade(input, p) {
    const runtime = runtimeOf(input);
    const scale = toScale(p.scale);
    const reference = referenceOf(input, p.reference, false);
    const version = judgeVersion(judgeIdentity("panel", p, p.models.join("+")));
    const settled = await Promise.allSettled(
      p.models.map((model) =>
        judgePointwise(runtime, model, {
          rubric: p.rubric,
          scale,
          ...(p.include_input ? { input: caseInputText(input.case) } : {}),
          candidate: input.output,
          ...(reference !== undefined ? { reference } : {}),
          ...(p.retries !== undefined ? { retries: p.retries } : {}),
        }),
      ),
    );
    const ok = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const failed = settled.flatMap((s) => (s.status === "rejected" ? [s.reason as unknown] : []));
    const cost =
      ok.reduce((s, r) => s + r.cost_usd, 0) +
      failed.reduce<number>((s, e) => s + (e instanceof JudgeError ? e.cost_usd : 0), 0);
    // A panel that lost half its members is no longer the panel that was asked for.
    if (ok.length * 2 <= p.models.length) {
      const failure = judgeFailure(failed[0], version);
      failure.reason = `judge error: ${failed.length} of ${p.models.length} panel judges failed; first: ${snippet(errorMessage(failed[0]), 200)}`;
      failure.details = { ...failure.details, judge_cost_usd: cost };
      return failure;
    }
    const threshold = p.threshold ?? 0.7;
    const mean = ok.reduce((s, r) => s + r.normalized, 0) / ok.length;
    const votes = ok.filter((r) => r.normalized >= threshold).length;
    const passed = p.mode === "mean" ? mean >= threshold : votes * 2 > ok.length;
    const score = p.mode === "mean" ? mean : votes / ok.length;
    return {
      score,
      passed,
      reason: `panel of ${ok.length}${failed.length ? ` (${failed.length} failed)` : ""}: ${p.mode === "mean" ? `mean ${(mean * 100).toFixed(0)}%` : `${votes}/${ok.length} pass`}`,
      details: {
        judge_version: version,
        judge_panel: ok.map((r) => ({ model: r.model, score: r.score, label: r.label })),
        ...(failed.length
          ? { judge_failed: failed.map((e) => snippet(errorMessage(e), 120)) }
          : {}),
        judge_cost_usd: cost,
        judge_tokens: ok.reduce((s, r) => s + tokens(r.usage), 0),
        judge_calls: ok.reduce((s, r) => s + r.calls, 0),
      },
    };
  },
};

// Params types differ per grader; the registry hands each grader only what its own schema
// produced, so erasing them to unknown is sound (as in registry.ts).
export const JUDGE_GRADERS: readonly GraderDefinition<unknown>[] = [
  judgeGrader,
  factualityGrader,
  closedQaGrader,
  pairwiseGrader,
  panelGrader,
].map((g) => g as unknown as GraderDefinition<unknown>);

/** Sum of `judge_cost_usd` over an attempt's scores: what the eval adds to the attempt's cost. */
export function judgeCostOf(scores: ReadonlyArray<{ details?: Record<string, unknown> }>): number {
  let sum = 0;
  for (const s of scores) {
    const c = s.details?.judge_cost_usd;
    if (typeof c === "number" && Number.isFinite(c)) sum += c;
  }
  return sum;
}
