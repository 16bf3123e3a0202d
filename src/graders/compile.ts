import { z } from "zod";
import {
  type AssertionSpec,
  DIMENSIONS,
  type Dimension,
  InputError,
  type InputLocation,
} from "../core/index.js";
import { defaultGraderRegistry } from "./registry.js";
import { didYouMean } from "./suggest.js";
import type { CompiledAssertion, GraderDefinition, GraderRegistry } from "./types.js";

/** Params every assertion accepts, whatever its type. */
export const COMMON_PARAMS = ["type", "weight", "dimension", "name", "negate"] as const;

export interface CompileOptions {
  registry?: GraderRegistry;
  /** Key prefix for error locations; default `assertions` (gives `assertions[2].type`). */
  keyPrefix?: string;
  /** Shares compiled assertions between the cases of one pass (see `AssertionMemo`). */
  memo?: AssertionMemo;
}

/**
 * Compiled assertions by key and spec text, for one pass over a suite: a spec repeated on every
 * case (a suite's usual `contains: ok`) is validated once instead of once per case, which was
 * ~40% of the validation pass (zod params parsing, bench/runner e2e). Compiling is a pure
 * function of spec, key and registry (a registry's graders never change), and only successes
 * are kept, so a bad spec still fails at each case with that case's location. Bounded: at
 * `limit` entries, new specs are compiled without being kept (suites of unique assertions).
 */
export class AssertionMemo {
  readonly #compiled = new Map<string, CompiledAssertion>();
  constructor(readonly limit = 1000) {}

  get(key: string | undefined): CompiledAssertion | undefined {
    return key === undefined ? undefined : this.#compiled.get(key);
  }

  set(key: string | undefined, compiled: CompiledAssertion): void {
    if (key !== undefined && this.#compiled.size < this.limit) this.#compiled.set(key, compiled);
  }

  /**
   * The memo key of a spec at `key`, or undefined when its text would not tell specs apart:
   * anything but plain data (a RegExp or a function from a programmatic spec), and
   * `undefined` values are kept distinct from absent keys.
   */
  keyOf(spec: unknown, key: string): string | undefined {
    let plain = true;
    let text: string;
    try {
      text = JSON.stringify(spec, (_name, value: unknown) => {
        if (value === undefined) return "\u0000undefined";
        if (typeof value === "function" || typeof value === "symbol") plain = false;
        else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
          const proto: unknown = Object.getPrototypeOf(value);
          if (proto !== Object.prototype && proto !== null) plain = false;
        }
        return value;
      });
    } catch {
      return undefined; // a BigInt or a cycle
    }
    return plain ? `${key}\u0000${text}` : undefined;
  }
}

/** `suite.yaml:12` or `suite.yaml:12:3` → location parts; anything else is a file name. */
export function parseOrigin(origin: string | undefined): InputLocation {
  if (origin === undefined || origin === "") return {};
  const m = /^(.*?):(\d+)(?::(\d+))?$/.exec(origin);
  if (!m) return { file: origin };
  return m[3] === undefined
    ? { file: m[1]!, line: Number(m[2]) }
    : { file: m[1]!, line: Number(m[2]), column: Number(m[3]) };
}

/**
 * Validates and compiles a case's assertions once (regexes, JSON schemas, matchers), so
 * grading each attempt does no parsing. Throws InputError at the first bad assertion.
 */
export function compileAssertions(
  specs: readonly AssertionSpec[],
  origin?: string,
  options: CompileOptions = {},
): CompiledAssertion[] {
  const registry = options.registry ?? defaultGraderRegistry();
  const prefix = options.keyPrefix ?? "assertions";
  if (!Array.isArray(specs)) {
    throw new InputError("`assertions` must be a list", { ...parseOrigin(origin), key: prefix });
  }
  return specs.map((spec, i) =>
    compileAssertion(spec, `${prefix}[${i}]`, origin, registry, options.memo),
  );
}

export function compileAssertion(
  spec: AssertionSpec,
  key: string,
  origin: string | undefined,
  registry: GraderRegistry = defaultGraderRegistry(),
  memo?: AssertionMemo,
): CompiledAssertion {
  const memoKey = memo?.keyOf(spec, key);
  const known = memo?.get(memoKey);
  if (known) return known;
  const compiled = compileFresh(spec, key, origin, registry);
  memo?.set(memoKey, compiled);
  return compiled;
}

function compileFresh(
  spec: AssertionSpec,
  key: string,
  origin: string | undefined,
  registry: GraderRegistry,
): CompiledAssertion {
  const where = parseOrigin(origin);
  const bad = (message: string, subkey?: string): InputError =>
    new InputError(message, { ...where, key: subkey === undefined ? key : `${key}.${subkey}` });

  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw bad("an assertion must be a mapping with a `type`, e.g. `{ type: contains, value: …}`");
  }
  const { type, weight = 1, dimension, name, negate = false, ...rest } = spec;
  if (typeof type !== "string" || type === "") {
    throw bad(`missing assertion \`type\`; known types: ${registry.types().join(", ")}`, "type");
  }
  const grader = registry.get(type);
  if (grader === undefined) {
    const hint = didYouMean(type, registry.types());
    throw bad(
      hint
        ? `unknown assertion type \`${type}\`${hint}`
        : `unknown assertion type \`${type}\`; known types: ${registry.types().join(", ")}`,
      "type",
    );
  }
  if (typeof weight !== "number" || !Number.isFinite(weight) || weight < 0) {
    throw bad(`\`weight\` must be a number >= 0, got ${JSON.stringify(weight)}`, "weight");
  }
  if (dimension !== undefined && !DIMENSIONS.includes(dimension as Dimension)) {
    throw bad(
      `unknown dimension \`${String(dimension)}\`${didYouMean(String(dimension), DIMENSIONS)}; dimensions: ${DIMENSIONS.join(", ")}`,
      "dimension",
    );
  }
  if (name !== undefined && (typeof name !== "string" || name.trim() === "")) {
    throw bad("`name` must be a non-empty string", "name");
  }
  if (typeof negate !== "boolean") throw bad("`negate` must be true or false", "negate");
  if (negate && !grader.negatable) {
    throw bad(`\`negate\` is not supported by \`${type}\`${negateHint(type)}`, "negate");
  }

  const parsed = grader.params.safeParse(rest);
  if (!parsed.success) {
    // A misspelt key also shows up as a missing one; the typo is the actionable part.
    const issues = parsed.error.issues;
    const issue = issues.find((i) => i.code === "unrecognized_keys") ?? issues[0]!;
    const { message, path } = describeIssue(issue, grader);
    throw bad(message, path);
  }
  return {
    type,
    name: (name as string | undefined) ?? type,
    dimension: (dimension as Dimension | undefined) ?? grader.dimension,
    weight,
    negate,
    key,
    spec,
    params: parsed.data,
    grader,
  };
}

function negateHint(type: string): string {
  const opposite: Record<string, string> = {
    "not-contains": "contains",
    "tool-not-called": "tool-called",
    refusal: "no-refusal",
    "no-refusal": "refusal",
  };
  return opposite[type] ? ` (use \`${opposite[type]}\` instead)` : "";
}

function schemaKeys(schema: unknown): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodPipe) return schemaKeys(schema.in);
  return [];
}

function joinPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join("");
}

function received(issue: z.core.$ZodIssue): string | undefined {
  return /received (\w+)/.exec(issue.message)?.[1];
}

function describeIssue(
  issue: z.core.$ZodIssue,
  grader: GraderDefinition<unknown>,
): { message: string; path: string | undefined } {
  const type = `\`${grader.type}\``;
  const keys = schemaKeys(grader.params);
  if (issue.code === "unrecognized_keys") {
    const unknownKey = issue.keys[0]!;
    const nested = issue.path.length > 0;
    const where = nested ? joinPath([...issue.path, unknownKey]) : unknownKey;
    const hint = nested ? "" : didYouMean(unknownKey, [...keys, ...COMMON_PARAMS]);
    const list = nested || keys.length === 0 ? "" : `; params: ${keys.join(", ")}`;
    return { message: `unknown param \`${where}\` for ${type}${hint}${list}`, path: where };
  }
  const path = issue.path.length > 0 ? joinPath(issue.path) : undefined;
  const param = path === undefined ? "params" : `param \`${path}\``;
  if (
    (issue.code === "invalid_type" && received(issue) === "undefined") ||
    (issue.code === "custom" && issue.message === "required")
  ) {
    return { message: `missing required param \`${path}\` for ${type}`, path };
  }
  if (issue.code === "invalid_union") {
    const branches = issue.errors.map((b) => b[0]).filter((b) => b !== undefined);
    if (branches.length > 0 && branches.every((b) => received(b) === "undefined")) {
      return { message: `missing required param \`${path}\` for ${type}`, path };
    }
    const expected = [
      ...new Set(branches.map((b) => (b.code === "invalid_type" ? b.expected : b.message))),
    ];
    const got = branches.map(received).find((r) => r !== undefined);
    return {
      message: `${param} of ${type}: expected ${expected.join(" or ")}${got ? `, received ${got}` : ""}`,
      path,
    };
  }
  const text = issue.message.replace(/^Invalid input: /, "").replace(/^Invalid option: /, "");
  return { message: `${param} of ${type}: ${text.charAt(0).toLowerCase()}${text.slice(1)}`, path };
}
