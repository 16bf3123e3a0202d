import { z } from "zod";
import { outputJson } from "../derived.js";
import { pathSegment } from "../json-tools.js";
import type { GraderDefinition } from "../types.js";
import { fail } from "../verdict.js";
import { scored } from "./lexical.js";

const MAX_LISTED = 5;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (v === undefined) return "nothing";
  const text = JSON.stringify(v);
  return text.length > 30 ? `${text.slice(0, 29)}…` : text;
}

export interface LeafDiff {
  /** Leaves compared (expected leaves, plus extra actual leaves unless ignored). */
  total: number;
  matching: number;
  /** `$.a.b: expected 1, got 2`, in document order of the expected value. */
  differences: string[];
}

/**
 * Compares two JSON values leaf by leaf. A leaf is a scalar, an empty object or an empty
 * array. Objects match by key (order ignored), arrays by index. A missing or mistyped
 * subtree counts all its expected leaves as mismatches, so the score degrades gradually.
 */
export function diffLeaves(
  expected: unknown,
  actual: unknown,
  options: { ignoreExtra: boolean; absTol: number },
): LeafDiff {
  const out: LeafDiff = { total: 0, matching: 0, differences: [] };
  const countLeaves = (v: unknown): number => {
    if (isObject(v)) {
      const keys = Object.keys(v);
      return keys.length === 0 ? 1 : keys.reduce((n, k) => n + countLeaves(v[k]), 0);
    }
    if (Array.isArray(v))
      return v.length === 0 ? 1 : v.reduce((n: number, x) => n + countLeaves(x), 0);
    return 1;
  };
  const walk = (e: unknown, a: unknown, path: string): void => {
    if (isObject(e) && Object.keys(e).length > 0) {
      if (!isObject(a)) {
        const n = countLeaves(e);
        out.total += n;
        out.differences.push(`${path}: expected an object, got ${show(a)}`);
        return;
      }
      for (const key of Object.keys(e)) {
        const here = path + pathSegment(key);
        if (!Object.hasOwn(a, key)) {
          out.total += countLeaves(e[key]);
          out.differences.push(`${here}: missing (expected ${show(e[key])})`);
        } else walk(e[key], a[key], here);
      }
      if (!options.ignoreExtra) {
        for (const key of Object.keys(a)) {
          if (Object.hasOwn(e, key)) continue;
          out.total += countLeaves(a[key]);
          out.differences.push(`${path + pathSegment(key)}: unexpected (value ${show(a[key])})`);
        }
      }
      return;
    }
    if (Array.isArray(e) && e.length > 0) {
      if (!Array.isArray(a)) {
        out.total += countLeaves(e);
        out.differences.push(`${path}: expected an array, got ${show(a)}`);
        return;
      }
      e.forEach((item, i) => {
        if (i < a.length) walk(item, a[i], `${path}[${i}]`);
        else {
          out.total += countLeaves(item);
          out.differences.push(`${path}[${i}]: missing (expected ${show(item)})`);
        }
      });
      if (!options.ignoreExtra && a.length > e.length) {
        for (let i = e.length; i < a.length; i++) out.total += countLeaves(a[i]);
        out.differences.push(
          `${path}: ${a.length - e.length} extra item(s) after index ${e.length - 1}`,
        );
      }
      return;
    }
    out.total += 1;
    if (leafEqual(e, a, options.absTol)) out.matching += 1;
    else out.differences.push(`${path}: expected ${show(e)}, got ${show(a)}`);
  };
  walk(expected, actual, "$");
  return out;
}

function leafEqual(e: unknown, a: unknown, absTol: number): boolean {
  if (typeof e === "number" && typeof a === "number") return Math.abs(e - a) <= absTol;
  if (isObject(e) && isObject(a)) return Object.keys(a).length === 0;
  if (Array.isArray(e) && Array.isArray(a)) return a.length === 0;
  return e === a;
}

const jsonDiffParams = z.strictObject({
  value: z.unknown().optional(),
  /** Score needed to pass; 1 = every leaf matches. */
  threshold: z.number().min(0).max(1).default(1),
  /** Keys and items the output has beyond the expected value do not count against it. */
  ignore_extra: z.boolean().default(false),
  /** Numbers within this distance are equal. */
  abs_tol: z.number().min(0).default(0),
});

export const jsonDiff: GraderDefinition<z.output<typeof jsonDiffParams>> = {
  type: "json-diff",
  dimension: "accuracy",
  params: jsonDiffParams,
  negatable: true,
  description:
    "structural diff of the output JSON against `value` (or expected.json): score = fraction of matching leaves; `threshold` (1), `ignore_extra`, `abs_tol`",
  grade(input, p) {
    const expected = p.value !== undefined ? p.value : input.case.expected?.json;
    if (expected === undefined) {
      return fail("no `value` given and the case has no `expected.json` to compare with");
    }
    const parsed = outputJson(input);
    if (!parsed.ok) return fail(`output is not valid JSON: ${parsed.problem}`);
    const d = diffLeaves(expected, parsed.value, {
      ignoreExtra: p.ignore_extra,
      absTol: p.abs_tol,
    });
    const score = d.total === 0 ? 1 : d.matching / d.total;
    if (d.differences.length === 0) {
      return scored(1, p.threshold, `output JSON matches all ${d.total} expected leaves`);
    }
    const more =
      d.differences.length > MAX_LISTED ? ` (+${d.differences.length - MAX_LISTED} more)` : "";
    return scored(
      score,
      p.threshold,
      `${d.matching} of ${d.total} leaves match (${(score * 100).toFixed(0)}%); ${d.differences.slice(0, MAX_LISTED).join("; ")}${more}`,
      { differences: d.differences.slice(0, 20), matching: d.matching, total: d.total },
    );
  },
};
