import type { CompiledAssertion } from "../types.js";
import { JudgeError, type JudgeRuntime } from "./types.js";
import { type JudgeIdentity, judgeVersion } from "./version.js";

export const FACTUALITY_RUBRIC =
  "Is the CANDIDATE factually consistent with the REFERENCE answer? Fail it if it contradicts the reference or leaves out a fact the reference gives as the answer; extra detail that is consistent is fine. Highest score: fully consistent. Lowest: contradicts the reference.";

export const closedQaRubric = (criteria: string) =>
  `Does the CANDIDATE answer the question in the INPUT correctly, and does it meet this criterion: ${criteria}? Pass only if it does both.`;

export const PAIRWISE_RUBRIC =
  "Prefer the output that follows the instruction more precisely, honestly and helpfully. Correctness and instruction-following outweigh length, style and confidence.";

/** Default rubric when a judge is named only by its model. */
export const DEFAULT_RUBRIC =
  "Is the CANDIDATE a correct, complete, helpful and safe answer to the INPUT?";

export const JUDGE_TYPES = new Set(["judge", "factuality", "closed-qa", "pairwise", "panel"]);

export function judgeModelFor(
  runtime: Pick<JudgeRuntime, "dimensionModels" | "defaultModel">,
  explicit: string | undefined,
  type: string,
): string {
  const model = explicit ?? runtime.dimensionModels.accuracy ?? runtime.defaultModel;
  if (!model) {
    throw new JudgeError(
      `no judge model for \`${type}\`: set \`evaluation.judge_model\` or the assertion's \`model\``,
      { input_tokens: 0, output_tokens: 0 },
      0,
      0,
    );
  }
  return model;
}

type Params = Record<string, unknown>;
const scaleOf = (p: Params) => {
  const [min, max] = (p.scale as [number, number] | undefined) ?? [0, 10];
  return { min, max };
};

/** What makes a judge assertion the judge it is: kind, model and verdict-shaping params. */
export function judgeIdentity(type: string, p: Params, model: string): JudgeIdentity {
  switch (type) {
    case "judge":
      return { kind: type, model, params: { rubric: p.rubric, scale: scaleOf(p), steps: p.steps } };
    case "factuality":
      return { kind: type, model, params: { rubric: FACTUALITY_RUBRIC, scale: scaleOf(p) } };
    case "closed-qa":
      return {
        kind: type,
        model,
        params: { rubric: closedQaRubric(String(p.criteria)), scale: scaleOf(p) },
      };
    case "pairwise":
      return { kind: type, model, params: { rubric: p.rubric ?? PAIRWISE_RUBRIC } };
    case "panel":
      return {
        kind: type,
        model: (p.models as string[]).join("+"),
        params: { rubric: p.rubric, scale: scaleOf(p), mode: p.mode },
      };
    default:
      throw new Error(`\`${type}\` is not a judge grader`);
  }
}

/** Version and model of a compiled judge assertion under a runtime's defaults. */
export function judgeSpecVersion(
  a: Pick<CompiledAssertion, "type" | "params">,
  runtime: Pick<JudgeRuntime, "dimensionModels" | "defaultModel">,
): { version: string; model: string } {
  const p = a.params as Params;
  const model =
    a.type === "panel"
      ? (p.models as string[]).join("+")
      : judgeModelFor(runtime, p.model as string | undefined, a.type);
  return { version: judgeVersion(judgeIdentity(a.type, p, model)), model };
}
