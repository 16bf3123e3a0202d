import { z } from "zod";
import type { Usage } from "../../core/index.js";
import { callJudge } from "./call.js";
import { pairwisePrompt, pointwisePrompt } from "./prompt.js";
import type { JudgeRuntime, PairwiseVerdict, PointwiseVerdict } from "./types.js";

export const pointwiseSchema = z.object({
  score: z.number(),
  label: z.enum(["pass", "fail"]),
  reasoning: z.string(),
});

export const steppedSchema = pointwiseSchema.extend({
  steps: z.array(z.object({ step: z.int(), score: z.number() })),
});

export const pairwiseSchema = z.object({
  winner: z.enum(["A", "B", "tie"]),
  reasoning: z.string(),
});

export interface Scale {
  min: number;
  max: number;
}

export interface PointwiseRequest {
  rubric: string;
  scale: Scale;
  steps?: readonly string[];
  input?: string;
  candidate: string;
  reference?: string;
  retries?: number;
}

export interface PointwiseResult {
  /** 0..1: the step mean when steps are given (G-Eval), else the judge's score. */
  normalized: number;
  score: number;
  label: "pass" | "fail";
  reasoning: string;
  steps?: Array<{ step: number; score: number }>;
  clamped: boolean;
  model: string;
  usage: Usage;
  cost_usd: number;
  calls: number;
}

const clamp = (x: number, s: Scale) => Math.min(s.max, Math.max(s.min, x));

export async function judgePointwise(
  runtime: JudgeRuntime,
  model: string,
  req: PointwiseRequest,
): Promise<PointwiseResult> {
  const stepped = req.steps !== undefined && req.steps.length > 0;
  const prompt = pointwisePrompt({
    rubric: req.rubric,
    scale: req.scale,
    ...(stepped ? { steps: req.steps } : {}),
    ...(req.input !== undefined ? { input: req.input } : {}),
    candidate: req.candidate,
    ...(req.reference !== undefined ? { reference: req.reference } : {}),
  });
  const call = await callJudge<PointwiseVerdict>(
    runtime,
    model,
    prompt,
    // Every step must be scored: the mean of a subset is not the G-Eval score (a judge that
    // scored only the step a candidate did well on would pass it).
    stepped
      ? steppedSchema.extend({ steps: steppedSchema.shape.steps.length(req.steps!.length) })
      : pointwiseSchema,
    req.retries !== undefined ? { retries: req.retries } : {},
  );
  const v = call.value;
  const span = req.scale.max - req.scale.min;
  const score = clamp(v.score, req.scale);
  let clamped = score !== v.score;
  let normalized = (score - req.scale.min) / span;
  let steps: PointwiseResult["steps"];
  if (stepped && v.steps && v.steps.length > 0) {
    steps = v.steps.map((s) => {
      const c = clamp(s.score, req.scale);
      if (c !== s.score) clamped = true;
      return { step: s.step, score: c };
    });
    normalized = steps.reduce((sum, s) => sum + (s.score - req.scale.min) / span, 0) / steps.length;
  }
  return {
    normalized,
    score,
    label: v.label,
    reasoning: v.reasoning,
    ...(steps ? { steps } : {}),
    clamped,
    model,
    usage: call.usage,
    cost_usd: call.cost_usd,
    calls: call.calls,
  };
}

export interface PairwiseRequest {
  rubric: string;
  input: string;
  /** The two outputs in their own (dataset) order. */
  first: string;
  second: string;
  reference?: string;
  retries?: number;
}

export interface PairwiseResult {
  /** 1 or 2 when both orders agree; `tie` when they disagree or the judge said tie. */
  preferred: 1 | 2 | "tie";
  /** The verdict with output 1 shown first, and with output 2 shown first, in dataset numbering. */
  inOrder: 1 | 2 | "tie";
  swapped: 1 | 2 | "tie";
  /** The choice changed when the order was swapped. */
  flip: boolean;
  model: string;
  usage: Usage;
  cost_usd: number;
  calls: number;
  reasoning: string;
}

/** Asks twice, once per order, so position bias cancels: a preference needs both orders to agree. */
export async function judgePairwise(
  runtime: JudgeRuntime,
  model: string,
  req: PairwiseRequest,
): Promise<PairwiseResult> {
  const ask = (a: string, b: string) =>
    callJudge<PairwiseVerdict>(
      runtime,
      model,
      pairwisePrompt({
        rubric: req.rubric,
        input: req.input,
        first: a,
        second: b,
        ...(req.reference !== undefined ? { reference: req.reference } : {}),
      }),
      pairwiseSchema,
      req.retries !== undefined ? { retries: req.retries } : {},
    );
  const [x, y] = await Promise.all([ask(req.first, req.second), ask(req.second, req.first)]);
  const inOrder = x.value.winner === "A" ? 1 : x.value.winner === "B" ? 2 : "tie";
  const swapped = y.value.winner === "A" ? 2 : y.value.winner === "B" ? 1 : "tie";
  const preferred = inOrder === swapped ? inOrder : "tie";
  const usage: Usage = {
    input_tokens: x.usage.input_tokens + y.usage.input_tokens,
    output_tokens: x.usage.output_tokens + y.usage.output_tokens,
  };
  return {
    preferred,
    inOrder,
    swapped,
    flip: inOrder !== swapped,
    model,
    usage,
    cost_usd: x.cost_usd + y.cost_usd,
    calls: x.calls + y.calls,
    reasoning: x.value.reasoning,
  };
}
