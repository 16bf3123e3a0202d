import type { CaseInput } from "../schema/case.js";

const CASE_KEYS = new Set([
  "id",
  "input",
  "expected",
  "assertions",
  "tags",
  "severity",
  "owner",
  "expires_at",
]);
const SEVERITIES = new Set(["blocking", "warning", "exploratory"]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

/**
 * What `CaseInputSchema` gives for the plain shape most generated suites are made of (a string
 * id and input, a string or `{output}` expectation, assertions with a `type`, tags, severity,
 * owner, expiry), without zod: on a 10,000-case suite zod's parse was most of the validation
 * pass (~0.05–0.1 ms a case while cold). Anything else (messages, context, source, numeric ids,
 * and every problem) gives `undefined`, and the schema parses it and reports what is wrong as
 * before. `plain-case.test.ts` checks the results against the schema's.
 */
export function parsePlainCase(value: unknown): CaseInput | undefined {
  if (!isPlainObject(value)) return undefined;
  for (const key of Object.keys(value)) if (!CASE_KEYS.has(key)) return undefined;
  const { id, input, expected, assertions, tags, severity, owner, expires_at } = value;
  if (!nonEmptyString(id) || typeof input !== "string") return undefined;

  let expectedOut: { output?: string } | undefined;
  if (typeof expected === "string") expectedOut = { output: expected };
  else if (isPlainObject(expected)) {
    const keys = Object.keys(expected);
    if (keys.length > 1 || (keys.length === 1 && keys[0] !== "output")) return undefined;
    if (keys.length === 0) expectedOut = {};
    else if (typeof expected.output === "string") expectedOut = { output: expected.output };
    else return undefined;
  } else if (expected !== undefined) return undefined;

  const assertionsOut: CaseInput["assertions"] = [];
  if (assertions !== undefined) {
    if (!Array.isArray(assertions)) return undefined;
    for (const spec of assertions) {
      if (!isPlainObject(spec) || !nonEmptyString(spec.type)) return undefined;
      // The schema's loose object: `type` first, then the other keys as written.
      const out: Record<string, unknown> = { type: spec.type };
      for (const key of Object.keys(spec)) if (key !== "type") out[key] = spec[key];
      assertionsOut.push(out as CaseInput["assertions"][number]);
    }
  }

  const tagsOut: string[] = [];
  if (tags !== undefined) {
    if (!Array.isArray(tags)) return undefined;
    for (const tag of tags) {
      if (!nonEmptyString(tag)) return undefined;
      tagsOut.push(tag);
    }
  }
  if (severity !== undefined && !(typeof severity === "string" && SEVERITIES.has(severity)))
    return undefined;
  if (owner !== undefined && typeof owner !== "string") return undefined;
  if (expires_at !== undefined && typeof expires_at !== "string") return undefined;

  // The schema's key order: its shape's, optional keys only when given.
  const out: Partial<CaseInput> = { id, input };
  if (expectedOut !== undefined) out.expected = expectedOut;
  out.assertions = assertionsOut;
  out.tags = tagsOut;
  if (severity !== undefined) out.severity = severity as NonNullable<CaseInput["severity"]>;
  if (owner !== undefined) out.owner = owner;
  if (expires_at !== undefined) out.expires_at = expires_at;
  return out as CaseInput;
}
