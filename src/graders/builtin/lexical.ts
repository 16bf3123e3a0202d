import { z } from "zod";
import { outputText } from "../derived.js";
import { levenshteinSimilarity, rougeL, tokens } from "../strings.js";
import { collapseWhitespace, quote } from "../text.js";
import type { GradeInput, GradeResult, GraderDefinition } from "../types.js";
import { fail } from "../verdict.js";

const unit = z.number().min(0).max(1);
/** One reference or several (the best-matching one counts). */
const references = z.union([z.string(), z.array(z.string()).min(1)]).optional();

/** The references a lexical grader compares with: `value`, else `expected.output`. */
export function referencesFor(
  input: GradeInput,
  value: string | string[] | undefined,
): string[] | undefined {
  if (value !== undefined) return typeof value === "string" ? [value] : value;
  const expected = input.case.expected?.output;
  return typeof expected === "string" ? [expected] : undefined;
}

export const NO_REFERENCE =
  "no `value` given and the case has no `expected.output` to compare with";

export function scored(
  score: number,
  threshold: number,
  reason: string,
  details?: Record<string, unknown>,
): GradeResult {
  const clamped = Math.min(1, Math.max(0, score));
  const out: GradeResult = { score: clamped, passed: clamped >= threshold, reason };
  if (details) out.details = details;
  return out;
}

function best<T extends { score: number }>(items: T[]): T {
  return items.reduce((a, b) => (b.score > a.score ? b : a));
}

const levenshteinParams = z.strictObject({
  value: references,
  threshold: unit.default(0.8),
  ignore_case: z.boolean().default(true),
  normalize_whitespace: z.boolean().default(true),
});

export const levenshteinGrader: GraderDefinition<z.output<typeof levenshteinParams>> = {
  type: "levenshtein",
  dimension: "accuracy",
  params: levenshteinParams,
  negatable: true,
  description:
    "normalized Levenshtein similarity (1 − edits / longer length) to `value` (or expected.output) ≥ `threshold` (0.8)",
  grade(input, p) {
    const refs = referencesFor(input, p.value);
    if (refs === undefined) return fail(NO_REFERENCE);
    const norm = (t: string) => {
      const s = p.normalize_whitespace ? collapseWhitespace(t) : t.trim();
      return p.ignore_case ? s.toLowerCase() : s;
    };
    const actual = outputText(input, p.ignore_case, p.normalize_whitespace);
    const out = p.normalize_whitespace ? actual : actual.trim();
    const match = best(refs.map((ref) => ({ ref, score: levenshteinSimilarity(out, norm(ref)) })));
    const verdict = match.score >= p.threshold ? "≥" : "<";
    return scored(
      match.score,
      p.threshold,
      `edit similarity ${match.score.toFixed(3)} ${verdict} ${p.threshold} to ${quote(match.ref, 50)}`,
    );
  },
};

const rougeParams = z.strictObject({
  value: references,
  threshold: unit.default(0.5),
  /** Weight of recall over precision; 1 gives the F1 most toolkits report. */
  beta: z.number().positive().default(1),
});

export const rougeLGrader: GraderDefinition<z.output<typeof rougeParams>> = {
  type: "rouge-l",
  dimension: "accuracy",
  params: rougeParams,
  negatable: true,
  description:
    "ROUGE-L F-measure (longest common token subsequence) against `value` (or expected.output) ≥ `threshold` (0.5)",
  grade(input, p) {
    const refs = referencesFor(input, p.value);
    if (refs === undefined) return fail(NO_REFERENCE);
    const candidate = tokens(input.output);
    const match = best(
      refs.map((ref) => {
        const r = rougeL(candidate, tokens(ref), p.beta);
        return { ref, score: r.f, r };
      }),
    );
    const { precision, recall, lcs } = match.r;
    return scored(
      match.score,
      p.threshold,
      `ROUGE-L F ${match.score.toFixed(3)} ${match.score >= p.threshold ? "≥" : "<"} ${p.threshold} (LCS ${lcs} tokens, P ${precision.toFixed(2)}, R ${recall.toFixed(2)}) against ${quote(match.ref, 40)}`,
      { precision, recall, lcs },
    );
  },
};
