import type { z } from "zod";
import { InputError } from "../core/index.js";
import { suggestionSuffix } from "./did-you-mean.js";
import { formatPath, type PathSegment } from "./yaml-locations.js";

/** Maps a path in the parsed value to a position in the source file. */
export type Locator = (
  path: readonly PathSegment[],
) => { line: number; column?: number } | undefined;

export interface IssueContext {
  file: string;
  schema: z.ZodType;
  locate: Locator;
  /** Prepended to every issue path, e.g. `["cases", 3]` when validating one case. */
  prefix?: readonly PathSegment[];
  /** Line used when the locator finds nothing (one JSONL/CSV record = one line). */
  line?: number;
}

// Zod 4's internals are typed per schema kind; walking them generically needs a loose view.
interface LooseDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  catchall?: z.ZodType;
}
function defOf(schema: z.ZodType): LooseDef {
  return (schema as unknown as { _zod: { def: LooseDef } })._zod.def;
}

/** Every schema a value at `path` could be validated by (unions give several). */
function schemasAt(schema: z.ZodType, path: readonly PathSegment[]): z.ZodType[] {
  const def = defOf(schema);
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "catch":
    case "readonly":
    case "nonoptional":
      return def.innerType ? schemasAt(def.innerType, path) : [];
    case "pipe":
      return def.in ? schemasAt(def.in, path) : [];
    case "union":
      return (def.options ?? []).flatMap((o) => schemasAt(o, path));
    default:
      break;
  }
  if (path.length === 0) return [schema];
  const [head, ...rest] = path;
  if (def.type === "object" && def.shape && typeof head === "string") {
    const child = def.shape[head];
    return child ? schemasAt(child, rest) : [];
  }
  if (def.type === "array" && def.element) return schemasAt(def.element, rest);
  if (def.type === "record" && def.valueType) return schemasAt(def.valueType, rest);
  return [];
}

/** Keys an object at `path` accepts, for "did you mean" suggestions. */
export function allowedKeysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(schema, path)) {
    const def = defOf(s);
    if (def.type === "object" && def.shape) for (const k of Object.keys(def.shape)) keys.add(k);
  }
  return [...keys];
}

interface Flat {
  /** For unknown keys, the path names the key itself. */
  path: PathSegment[];
  message: string;
}

function received(message: string): string {
  const text = message.replace(/^Invalid input: /, "");
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/**
 * Flattens one zod issue into located messages. Unions are resolved to the branch
 * that matches the input's shape, so a typo inside the list form of `dimensions` is
 * reported as that typo, not as "expected object or array".
 */
function flatten(issue: z.core.$ZodIssue, base: PathSegment[], schema: z.ZodType): Flat[] {
  const path = [...base, ...(issue.path as PathSegment[])];
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedKeysAt(schema, path);
      return issue.keys.map((key) => ({
        path: [...path, key],
        message: `unknown key \`${key}\`${suggestionSuffix(key, allowed)}`,
      }));
    }
    case "invalid_union": {
      const branches = issue.errors;
      const matching = branches.filter(
        (errs) => !errs.some((e) => e.code === "invalid_type" && e.path.length === 0),
      );
      if (matching.length > 0) {
        // Prefer the branch with the fewest problems: it is the one the user meant.
        const best = matching.reduce((a, b) => (b.length < a.length ? b : a));
        return best.flatMap((e) => flatten(e, path, schema));
      }
      if (issue.input === undefined) return [{ path, message: "required field is missing" }];
      const expected = branches
        .flatMap((errs) => errs.map((e) => (e.code === "invalid_type" ? e.expected : undefined)))
        .filter((e): e is NonNullable<typeof e> => e !== undefined);
      if (expected.length > 0) {
        return [{ path, message: `expected ${[...new Set(expected)].join(" or ")}` }];
      }
      return [{ path, message: received(issue.message) }];
    }
    case "invalid_type": {
      if (issue.input === undefined) return [{ path, message: "required field is missing" }];
      return [{ path, message: received(issue.message) }];
    }
    case "invalid_value": {
      const options = issue.values.map((v) => JSON.stringify(v)).join(", ");
      const input = typeof issue.input === "string" ? issue.input : undefined;
      const suffix =
        input !== undefined
          ? suggestionSuffix(
              input,
              issue.values.filter((v): v is string => typeof v === "string"),
            )
          : "";
      return [{ path, message: `expected one of ${options}${suffix}` }];
    }
    case "too_big": {
      const limit = issue.inclusive === false ? "below" : "at most";
      const max = typeof issue.maximum === "bigint" ? issue.maximum : Number(issue.maximum);
      const got = typeof issue.input === "number" ? ` (got ${issue.input})` : "";
      if (issue.origin === "number" || issue.origin === "int") {
        return [{ path, message: `must be ${limit} ${max.toLocaleString("en-US")}${got}` }];
      }
      return [{ path, message: received(issue.message) }];
    }
    default:
      return [{ path, message: received(issue.message) }];
  }
}

/** All issues as located InputErrors, in file order. */
export function issuesToErrors(
  issues: readonly z.core.$ZodIssue[],
  ctx: IssueContext,
): InputError[] {
  const prefix = ctx.prefix ?? [];
  const flat = issues
    .flatMap((i) => flatten(i, [], ctx.schema))
    .map((f) => ({ ...f, path: [...prefix, ...f.path] }));
  const errors = flat.map((f) => {
    const pos = ctx.locate(f.path);
    const line = pos?.line ?? ctx.line;
    return new InputError(f.message, {
      file: ctx.file,
      ...(line !== undefined ? { line } : {}),
      ...(pos?.column !== undefined ? { column: pos.column } : {}),
      key: formatPath(f.path) || "(root)",
    });
  });
  return errors.sort((a, b) => (a.location.line ?? 0) - (b.location.line ?? 0));
}

/** The first problem, telling how many more there are (the CLI prints one line). */
export function firstError(errors: readonly InputError[]): InputError {
  const first = errors[0];
  if (!first) return new InputError("invalid input");
  if (errors.length === 1) return first;
  const more = errors.length - 1;
  return new InputError(
    `${first.message} (and ${more} more problem${more === 1 ? "" : "s"})`,
    first.location,
  );
}

/** Validates `value`, throwing the first located problem. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  ctx: Omit<IssueContext, "schema">,
): z.output<S> {
  // reportInput lets messages tell "missing" from "wrong type" and suggest enum values;
  // inputs are never copied into messages except enum-like strings.
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  throw firstError(issuesToErrors(result.error.issues, { ...ctx, schema }));
}
