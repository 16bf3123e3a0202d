import { z } from "zod";
import { outputJson, outputText } from "../derived.js";
import { jsonDifference } from "../json-tools.js";
import { addRegexIssue, collapseWhitespace, quote } from "../text.js";
import type { GradeInput, GraderDefinition } from "../types.js";
import { fail, pass } from "../verdict.js";

const flag = z.boolean().default(false);

function normalize(text: string, ignoreCase: boolean, collapse: boolean): string {
  const t = collapse ? collapseWhitespace(text) : text;
  return ignoreCase ? t.toLowerCase() : t;
}

function firstDifference(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

const equalsParams = z
  .strictObject({
    value: z.unknown().optional(),
    json: flag,
    ignore_case: flag,
    trim: z.boolean().default(true),
    normalize_whitespace: flag,
  })
  .superRefine((p, ctx) => {
    // Without `value` the case's expected.output (expected.json with `json: true`) is the reference.
    if (p.value !== undefined && !p.json && typeof p.value !== "string") {
      ctx.addIssue({
        code: "custom",
        path: ["value"],
        message: "expected a string (set `json: true` to compare structured values)",
      });
    }
  })
  .transform((p) => ({
    ...p,
    expectedText: typeof p.value === "string" ? normalizeExpected(p.value, p) : "",
  }));

function normalizeExpected(
  value: string,
  p: { trim: boolean; ignore_case: boolean; normalize_whitespace: boolean },
): string {
  return normalize(p.trim ? value.trim() : value, p.ignore_case, p.normalize_whitespace);
}

/** `value`, else the case's reference: expected.json (for `json: true`) or expected.output. */
function equalsReference(
  input: GradeInput,
  p: z.output<typeof equalsParams>,
): { value: unknown; text: string } | undefined {
  if (p.value !== undefined) return { value: p.value, text: p.expectedText };
  const expected = input.case.expected;
  if (p.json) {
    if (expected?.json !== undefined) return { value: expected.json, text: "" };
    if (expected?.output === undefined) return undefined;
    try {
      return { value: JSON.parse(expected.output), text: "" };
    } catch {
      return undefined;
    }
  }
  if (expected?.output === undefined) return undefined;
  return { value: expected.output, text: normalizeExpected(expected.output, p) };
}

export const equals: GraderDefinition<z.output<typeof equalsParams>> = {
  type: "equals",
  dimension: "accuracy",
  params: equalsParams,
  negatable: true,
  description:
    "output equals `value` or the case's expected.output (trimmed; `ignore_case`; `json: true` for deep-equal)",
  grade(input, p) {
    const reference = equalsReference(input, p);
    if (!reference) {
      return fail(
        p.json
          ? "no `value` given and the case has no `expected.json` (or JSON `expected.output`) to compare with"
          : "no `value` given and the case has no `expected.output` to compare with",
      );
    }
    if (p.json) {
      const parsed = outputJson(input);
      if (!parsed.ok) return fail(`output is not valid JSON: ${parsed.problem}`);
      const diff = jsonDifference(reference.value, parsed.value);
      if (diff === undefined) return pass("output JSON equals the expected value");
      return fail(`output JSON differs at ${diff.path}: ${diff.message}`, { path: diff.path });
    }
    const raw = p.trim ? input.output.trim() : input.output;
    const actual = normalize(raw, p.ignore_case, p.normalize_whitespace);
    const expected = reference.value as string;
    if (actual === reference.text) return pass(`output equals ${quote(expected)}`);
    const at = firstDifference(actual, reference.text);
    return fail(
      `output does not equal the expected value: expected ${quote(expected)}, got ${quote(raw)} (first difference at character ${at + 1})`,
    );
  },
};

const values = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** The value(s) to look for as a list, and each normalized as the output will be. */
function withNeedles<
  P extends { value: string | string[]; ignore_case: boolean; normalize_whitespace: boolean },
>(p: P): P & { list: string[]; needles: string[] } {
  const list = typeof p.value === "string" ? [p.value] : p.value;
  return {
    ...p,
    list,
    needles: list.map((v) => normalize(v, p.ignore_case, p.normalize_whitespace)),
  };
}

function containsParams(ignoreCaseDefault: boolean) {
  return z
    .strictObject({
      value: values,
      match: z.enum(["all", "any"]).default("all"),
      ignore_case: z.boolean().default(ignoreCaseDefault),
      normalize_whitespace: flag,
    })
    .transform(withNeedles);
}

type ContainsParams = z.output<ReturnType<typeof containsParams>>;

function listed(values: string[]): string {
  return values.map((v) => quote(v, 40)).join(", ");
}

function makeContains(type: string, ignoreCaseDefault: boolean): GraderDefinition<ContainsParams> {
  return {
    type,
    dimension: "accuracy",
    params: containsParams(ignoreCaseDefault),
    negatable: true,
    description: `output contains \`value\` (a string, or a list with \`match: all|any\`)${ignoreCaseDefault ? ", ignoring case" : ""}`,
    grade(input, p) {
      const text = outputText(input, p.ignore_case, p.normalize_whitespace);
      const found: string[] = [];
      const missing: string[] = [];
      p.needles.forEach((needle, i) => {
        (text.includes(needle) ? found : missing).push(p.list[i]!);
      });
      if (p.list.length === 1) {
        return found.length === 1
          ? pass(`output contains ${listed(found)}`)
          : fail(`output does not contain ${listed(missing)}`);
      }
      if (p.match === "any") {
        return found.length > 0
          ? pass(`output contains ${listed(found)} (any of ${p.list.length})`)
          : fail(`output contains none of ${listed(missing)}`);
      }
      const score = found.length / p.list.length;
      return missing.length === 0
        ? pass(`output contains all ${p.list.length} values`)
        : {
            score,
            passed: false,
            reason: `output is missing ${listed(missing)} (found ${found.length} of ${p.list.length})`,
            details: { missing },
          };
    },
  };
}

export const contains = makeContains("contains", false);
export const icontains = makeContains("icontains", true);

const notContainsParams = z
  .strictObject({ value: values, ignore_case: flag, normalize_whitespace: flag })
  .transform(withNeedles);

export const notContains: GraderDefinition<z.output<typeof notContainsParams>> = {
  type: "not-contains",
  dimension: "accuracy",
  params: notContainsParams,
  description: "output contains none of `value`",
  grade(input, p) {
    const text = outputText(input, p.ignore_case, p.normalize_whitespace);
    const found = p.list.filter((_, i) => text.includes(p.needles[i]!));
    if (found.length === 0) {
      return pass(
        `output does not contain ${p.list.length === 1 ? listed(p.list) : `any of ${p.list.length} forbidden values`}`,
      );
    }
    return {
      score: 1 - found.length / p.list.length,
      passed: false,
      reason: `output contains forbidden ${listed(found)}`,
      details: { found },
    };
  },
};

const regexParams = z
  .strictObject({
    pattern: z.string().min(1),
    flags: z
      .string()
      .regex(/^[dgimsuvy]*$/, "flags may only be d, g, i, m, s, u, v, y")
      .default(""),
  })
  .transform((p, ctx) => {
    // `g` and `y` make RegExp#exec stateful across attempts; a match test needs neither.
    const flags = p.flags.replace(/[gy]/g, "");
    try {
      return { ...p, re: new RegExp(p.pattern, flags), shown: `/${p.pattern}/${flags}` };
    } catch (error) {
      addRegexIssue(ctx, ["pattern"], error);
      return z.NEVER;
    }
  });

export const regex: GraderDefinition<z.output<typeof regexParams>> = {
  type: "regex",
  dimension: "accuracy",
  params: regexParams,
  negatable: true,
  description: "output matches the regular expression `pattern` (with `flags`)",
  grade(input, p) {
    const m = p.re.exec(input.output);
    return m
      ? pass(`output matches ${p.shown} at ${quote(m[0], 40)}`)
      : fail(`output does not match ${p.shown}`);
  },
};
