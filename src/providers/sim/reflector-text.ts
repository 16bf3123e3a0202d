/**
 * Reading helpers for the sim reflector: dates, quoted values, JSON embedded in prose, key
 * spellings. They look at text the way a person skimming grader evidence would.
 */

import { closingIndex } from "../../core/index.js";

const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/;
const MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec";
const NON_ISO_DATE = new RegExp(
  [
    String.raw`\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b`,
    String.raw`\b(?:${MONTHS})[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}\b`,
    String.raw`\b\d{1,2}(?:st|nd|rd|th)? (?:${MONTHS})[a-z]*\.? \d{4}\b`,
  ].join("|"),
);
/** An ISO-date regex as written in a reason: `\d{4}-\d{2}-\d{2}`, `[0-9]{4}-…`, `YYYY-MM-DD`. */
const DATE_PATTERN = /\\d\{4\}\\?-|YYYY-MM-DD|\[0-9\]\{4\}\\?-/;

export const hasIsoDate = (text: string): boolean => ISO_DATE.test(text);
export const hasNonIsoDate = (text: string): boolean => NON_ISO_DATE.test(text);
export const isDatePattern = (pattern: string): boolean => DATE_PATTERN.test(pattern);

export const wordCount = (text: string): number => text.split(/\s+/).filter(Boolean).length;

export function snip(text: string, n = 110): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > n ? `${flat.slice(0, n - 1)}…` : flat;
}

/** Quoted values in a reason: `"a", "b"` → [a, b]. */
export function quoted(text: string): string[] {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
}

export const backticked = (text: string): string[] =>
  [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

export type Rule<R> = readonly [RegExp, (m: RegExpExecArray) => R];

/** The result of the first rule whose pattern matches `text`, or undefined. */
export function firstMatch<R>(text: string, rules: ReadonlyArray<Rule<R>>): R | undefined {
  for (const [re, then] of rules) {
    const m = re.exec(text);
    if (m) return then(m);
  }
  return undefined;
}

/** The JSON object in an output, even when wrapped in prose or a fence; undefined if none. */
export function embeddedJson(output: string): Record<string, unknown> | undefined {
  const start = output.indexOf("{");
  if (start < 0) return undefined;
  const end = closingIndex(output, start);
  if (end < 0) return undefined;
  try {
    const value: unknown = JSON.parse(output.slice(start, end));
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function allKeys(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) allKeys(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      allKeys(v, out);
    }
  }
  return out;
}

export function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) allStrings(v, out);
  else if (value && typeof value === "object") {
    for (const v of Object.values(value)) allStrings(v, out);
  }
  return out;
}

/** `_`, `-` and case folded away: `total_revenue`, `totalRevenue` and `TotalRevenue` meet. */
export const keyShape = (key: string): string => key.toLowerCase().replace(/[_\-\s]/g, "");

export function keyStyle(key: string): string | undefined {
  if (/^[a-z0-9]+(?:_[a-z0-9]+)+$/.test(key)) return "snake_case";
  if (/^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$/.test(key)) return "camelCase";
  if (/^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+$/.test(key)) return "PascalCase";
  if (/^[a-z0-9]+(?:-[a-z0-9]+)+$/.test(key)) return "kebab-case";
  return undefined;
}

/** `$.a.b` → `b`, `$["x y"]` → `x y`. */
export function lastSegment(path: string): string {
  const m = /(?:\.([^.[\]]+)|\["([^"]+)"\])$/.exec(path);
  return m?.[1] ?? m?.[2] ?? path.replace(/^\$\.?/, "");
}
