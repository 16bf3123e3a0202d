import { DIMENSIONS, type Dimension, errorMessage, InputError, type Score } from "../core/index.js";
import { snippet } from "./text.js";
import type {
  AttemptScore,
  CompiledAssertion,
  GradeInput,
  GradeResult,
  ScoreOptions,
} from "./types.js";

function toScore(a: CompiledAssertion, r: GradeResult): Score {
  let { score, passed, reason } = r;
  if (typeof score !== "number" || !Number.isFinite(score) || score < 0 || score > 1) {
    return graderError(a, `score must be a number in 0..1, got ${String(score)}`);
  }
  if (typeof passed !== "boolean") return graderError(a, "`passed` must be a boolean");
  if (a.negate) {
    score = 1 - score;
    passed = !passed;
    reason = `negated: ${reason}`;
  }
  const s: Score = {
    grader: a.type,
    dimension: a.dimension,
    score,
    passed,
    reason,
    weight: a.weight,
  };
  const details = a.name === a.type ? r.details : { ...r.details, name: a.name };
  if (details !== undefined) s.details = details;
  return s;
}

function graderError(a: CompiledAssertion, message: string): Score {
  return {
    grader: a.type,
    dimension: a.dimension,
    score: 0,
    passed: false,
    reason: `grader error: ${snippet(message, 200)}`,
    weight: a.weight,
    details: { error_class: "grader_error", ...(a.name === a.type ? {} : { name: a.name }) },
  };
}

/**
 * Grades one assertion. Never throws and never rejects: a grader that throws (or returns
 * nonsense) becomes a failed Score whose reason starts with `grader error:`.
 */
export function gradeAssertion(input: GradeInput, a: CompiledAssertion): Score | Promise<Score> {
  let result: GradeResult | Promise<GradeResult>;
  try {
    result = a.grader.grade(input, a.params);
  } catch (error) {
    return graderError(a, errorMessage(error));
  }
  if (result instanceof Promise) {
    return result.then(
      (r) => toScore(a, r),
      (error: unknown) => graderError(a, errorMessage(error)),
    );
  }
  return toScore(a, result);
}

export function validateWeights(
  weights: Partial<Record<Dimension, number>> = {},
): Record<Dimension, number> {
  const out = {} as Record<Dimension, number>;
  for (const d of DIMENSIONS) {
    const w = weights[d] ?? 1;
    if (typeof w !== "number" || !Number.isFinite(w) || w < 0) {
      throw new InputError(`must be a number >= 0, got ${JSON.stringify(w)}`, {
        key: `weights.${d}`,
      });
    }
    out[d] = w;
  }
  for (const key of Object.keys(weights)) {
    if (!DIMENSIONS.includes(key as Dimension)) {
      throw new InputError(`unknown dimension; dimensions: ${DIMENSIONS.join(", ")}`, {
        key: `weights.${key}`,
      });
    }
  }
  return out;
}

const DEFAULT_WEIGHTS = validateWeights();
/** A run passes the same weights object with every attempt: checked once, not per attempt. */
const checkedByObject = new WeakMap<object, Record<Dimension, number>>();

function checkedWeights(
  weights: Partial<Record<Dimension, number>> | undefined,
): Record<Dimension, number> {
  if (weights === undefined) return DEFAULT_WEIGHTS;
  let checked = checkedByObject.get(weights);
  if (checked === undefined) {
    checked = validateWeights(weights);
    checkedByObject.set(weights, checked);
  }
  return checked;
}

/**
 * Scoring rules:
 * - dimension score = weighted mean (assertion `weight`) of its assertions' scores;
 *   assertions with weight 0 are informational: recorded, but they affect neither the
 *   dimension score nor `passed`. A dimension with no weighted assertion is absent.
 * - overall = weighted mean (dimension weights, default 1) over the dimensions present,
 *   i.e. weights are renormalized over present dimensions. If every present dimension
 *   has weight 0, overall is their unweighted mean. No assertions at all → overall 1.
 * - passed = no attempt error and every assertion with weight > 0 passed. Dimension
 *   weights shape `overall` only; they never turn a failed assertion into a pass.
 * - an errored attempt (input.error) is not graded: every assertion scores 0 with a reason
 *   naming the error class, every present dimension is 0, overall 0, passed false.
 */
export async function scoreAttempt(
  input: GradeInput,
  compiled: readonly CompiledAssertion[],
  options: ScoreOptions = {},
): Promise<AttemptScore> {
  const weights = checkedWeights(options.weights);
  if (input.error) return erroredAttempt(input, compiled);
  let pending: Array<Promise<void>> | undefined;
  const scores: Score[] = new Array(compiled.length);
  for (let i = 0; i < compiled.length; i++) {
    const s = gradeAssertion(input, compiled[i]!);
    if (s instanceof Promise) {
      pending ??= [];
      pending.push(
        s.then((v) => {
          scores[i] = v;
        }),
      );
    } else scores[i] = s;
  }
  if (pending) await Promise.all(pending);
  return aggregate(scores, weights, true);
}

function erroredAttempt(input: GradeInput, compiled: readonly CompiledAssertion[]): AttemptScore {
  const error = input.error!;
  const reason = `not graded: the attempt failed with ${error.class}: ${snippet(error.message, 160)}`;
  const scores: Score[] = compiled.map((a) => ({
    grader: a.type,
    dimension: a.dimension,
    score: 0,
    passed: false,
    reason,
    weight: a.weight,
    details: { error_class: error.class },
  }));
  const dimension_scores: Partial<Record<Dimension, number>> = {};
  for (const a of compiled) if (a.weight > 0) dimension_scores[a.dimension] = 0;
  return { scores, dimension_scores, overall: 0, passed: false };
}

/** Folds scores into dimension scores, overall and passed (see `scoreAttempt`). */
export function aggregate(
  scores: readonly Score[],
  weights: Record<Dimension, number>,
  ok: boolean,
): AttemptScore {
  const sum: Partial<Record<Dimension, number>> = {};
  const total: Partial<Record<Dimension, number>> = {};
  let passed = ok;
  for (const s of scores) {
    const w = s.weight ?? 1;
    if (w <= 0) continue;
    if (!s.passed) passed = false;
    sum[s.dimension] = (sum[s.dimension] ?? 0) + w * s.score;
    total[s.dimension] = (total[s.dimension] ?? 0) + w;
  }
  const dimension_scores: Partial<Record<Dimension, number>> = {};
  let weighted = 0;
  let weightTotal = 0;
  let plain = 0;
  let present = 0;
  for (const d of DIMENSIONS) {
    const t = total[d];
    if (t === undefined) continue;
    const v = sum[d]! / t;
    dimension_scores[d] = v;
    weighted += weights[d] * v;
    weightTotal += weights[d];
    plain += v;
    present++;
  }
  const overall =
    present === 0 ? (ok ? 1 : 0) : weightTotal > 0 ? weighted / weightTotal : plain / present;
  return { scores: [...scores], dimension_scores, overall, passed };
}
