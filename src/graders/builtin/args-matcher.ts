import { pathSegment } from "../json-tools.js";
import { regexMessage } from "../text.js";

/** Returns the mismatches of `actual` against the expectation, empty when it matches. */
export type ArgsMatcher = (actual: unknown, path: string, out: string[]) => void;

export class MatcherError extends Error {
  constructor(
    message: string,
    readonly path: string[],
  ) {
    super(message);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/**
 * Compiles an expected-arguments tree once. Objects match partially (extra keys in the
 * actual call are fine), arrays element-wise with equal length, scalars by strict equality,
 * and `{ $regex: "…", $flags?: "i" }` matches a string (or number) value by pattern.
 */
export function compileArgsMatcher(expected: unknown, path: string[] = []): ArgsMatcher {
  if (isPlainObject(expected) && "$regex" in expected) {
    const extra = Object.keys(expected).filter((k) => k !== "$regex" && k !== "$flags");
    if (typeof expected.$regex !== "string" || extra.length > 0) {
      throw new MatcherError("a regex matcher is `{ $regex: string, $flags?: string }`", path);
    }
    const flags = typeof expected.$flags === "string" ? expected.$flags.replace(/[gy]/g, "") : "";
    let re: RegExp;
    try {
      re = new RegExp(expected.$regex, flags);
    } catch (error) {
      throw new MatcherError(`invalid regular expression: ${regexMessage(error)}`, path);
    }
    return (actual, at, out) => {
      const text =
        typeof actual === "string" || typeof actual === "number" ? String(actual) : undefined;
      if (text === undefined || !re.test(text))
        out.push(`${at}: expected ${re}, got ${show(actual)}`);
    };
  }
  if (isPlainObject(expected)) {
    const children = Object.entries(expected).map(
      ([key, value]) => [key, compileArgsMatcher(value, [...path, key])] as const,
    );
    return (actual, at, out) => {
      if (!isPlainObject(actual)) {
        out.push(`${at}: expected an object, got ${show(actual)}`);
        return;
      }
      for (const [key, match] of children) {
        const here = at + pathSegment(key);
        if (!Object.hasOwn(actual, key)) out.push(`${here}: missing`);
        else match(actual[key], here, out);
      }
    };
  }
  if (Array.isArray(expected)) {
    const items = expected.map((value, i) => compileArgsMatcher(value, [...path, String(i)]));
    return (actual, at, out) => {
      if (!Array.isArray(actual) || actual.length !== items.length) {
        out.push(`${at}: expected ${items.length} items, got ${show(actual)}`);
        return;
      }
      items.forEach((match, i) => {
        match(actual[i], `${at}[${i}]`, out);
      });
    };
  }
  return (actual, at, out) => {
    if (actual !== expected) out.push(`${at}: expected ${show(expected)}, got ${show(actual)}`);
  };
}
