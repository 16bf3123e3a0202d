import { z } from "zod";
import { addRegexIssue, quote } from "../text.js";
import type { GraderDefinition } from "../types.js";
import { fail, pass } from "../verdict.js";

// Signed decimals with optional thousands separators (1,234.5), exponent and a leading
// Unicode minus. A number glued to letters ("A17", "v2") is an identifier, not a value.
const NUMBER =
  /(?<![\p{L}\d.,])[-−+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\p{L}\d])|(?<![\p{L}\d.,])[-−+]?\.\d+(?![\p{L}\d])/gu;

/** Every number in the text, in order, as JavaScript numbers. */
export function parseNumbers(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(NUMBER)) {
    const value = Number(m[0].replace(/,/g, "").replace("−", "-"));
    if (Number.isFinite(value)) out.push(value);
  }
  return out;
}

const numericParams = z
  .strictObject({
    value: z.number().optional(),
    /** Passes when |actual − expected| ≤ abs_tol … */
    abs_tol: z.number().min(0).optional(),
    /** … or ≤ rel_tol · |expected|. With neither, the numbers must be equal. */
    rel_tol: z.number().min(0).optional(),
    /** Which number in the output is the answer. */
    pick: z.enum(["last", "first", "only", "any"]).default("last"),
    /** A regex whose first capture group (else whole match) holds the number. */
    pattern: z.string().min(1).optional(),
  })
  .transform((p, ctx) => {
    let re: RegExp | undefined;
    if (p.pattern !== undefined) {
      try {
        re = new RegExp(p.pattern, "i");
      } catch (error) {
        addRegexIssue(ctx, ["pattern"], error);
        return z.NEVER;
      }
    }
    return { ...p, re };
  });

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(10)));
}

export const numeric: GraderDefinition<z.output<typeof numericParams>> = {
  type: "numeric",
  dimension: "accuracy",
  params: numericParams,
  negatable: true,
  description:
    "a number parsed from the output (`pick`: last|first|only|any, or `pattern`) equals `value` (or expected.output) within `abs_tol` / `rel_tol`",
  grade(input, p) {
    let expected = p.value;
    if (expected === undefined) {
      const fromCase = parseNumbers(input.case.expected?.output ?? "");
      if (fromCase.length !== 1) {
        return fail(
          "no numeric `value` given and the case's expected.output does not hold exactly one number",
        );
      }
      expected = fromCase[0]!;
    }
    let text = input.output;
    if (p.re) {
      const m = p.re.exec(text);
      if (!m) return fail(`output does not match /${p.pattern}/, so no number was read`);
      text = m[1] ?? m[0];
    }
    const found = parseNumbers(text);
    if (found.length === 0) return fail(`no number in the output ${quote(input.output, 50)}`);
    if (p.pick === "only" && found.length > 1) {
      return fail(
        `expected exactly one number, found ${found.length}: ${found.slice(0, 5).map(fmt).join(", ")}`,
      );
    }
    const limit = Math.max(p.abs_tol ?? 0, (p.rel_tol ?? 0) * Math.abs(expected));
    const within = (x: number) =>
      Math.abs(x - expected!) <= limit + Number.EPSILON * Math.abs(expected!);
    const candidates =
      p.pick === "any" ? found : [p.pick === "first" ? found[0]! : found[found.length - 1]!];
    const hit = candidates.find(within);
    const tolerance = limit > 0 ? ` ± ${fmt(limit)}` : "";
    if (hit !== undefined) {
      return pass(`read ${fmt(hit)}, expected ${fmt(expected)}${tolerance}`, { actual: hit });
    }
    const shown =
      candidates.length === 1 ? fmt(candidates[0]!) : candidates.slice(0, 5).map(fmt).join(", ");
    return fail(
      `read ${shown} (${p.pick} number), expected ${fmt(expected)}${tolerance}; off by ${fmt(Math.abs(candidates[0]! - expected))}`,
      { actual: candidates[0]! },
    );
  },
};
