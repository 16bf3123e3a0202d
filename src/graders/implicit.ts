import type { AssertionSpec, Case, Dimension } from "../core/index.js";
import { type AssertionMemo, compileAssertion, compileAssertions } from "./compile.js";
import { defaultGraderRegistry } from "./registry.js";
import type { CompiledAssertion, GraderRegistry } from "./types.js";

const TOOL_CHECKS = new Set(["tool-called", "tool-sequence", "tool-args-match"]);

/**
 * Assertions implied by `case.expected`, each named after the field it comes from:
 * - `expected.json` → `equals` with `json: true` (whole output parsed, deep-equal, key order
 *   ignored; a parse failure explains itself like `json-valid`). Takes precedence over
 *   `expected.output`.
 * - `expected.output` → `contains` with `ignore_case` and `normalize_whitespace`: agents
 *   phrase answers around the expected text, so containment is the honest default.
 *   Write an explicit `equals` for exact answers.
 * Both are skipped when the case already has an explicit accuracy assertion.
 * - `expected.tool_calls` → `tool-sequence` (subsequence, not strict) of the names, plus
 *   one `tool-args-match` (partial) per call that lists arguments. Skipped when the case
 *   has an explicit tool-called / tool-sequence / tool-args-match. An empty list adds nothing.
 */
export function implicitAssertions(
  c: Case,
  registry: GraderRegistry = defaultGraderRegistry(),
): AssertionSpec[] {
  const expected = c.expected;
  if (expected === undefined) return [];
  const explicit = Array.isArray(c.assertions) ? c.assertions : [];
  const dimensionOf = (spec: AssertionSpec): Dimension | undefined =>
    typeof spec.dimension === "string"
      ? (spec.dimension as Dimension)
      : registry.get(String(spec.type))?.dimension;
  const hasAccuracy = explicit.some((s) => dimensionOf(s) === "accuracy");
  const hasToolCheck = explicit.some((s) => TOOL_CHECKS.has(String(s.type)));

  const out: AssertionSpec[] = [];
  if (!hasAccuracy) {
    if (expected.json !== undefined) {
      out.push({ type: "equals", name: "expected.json", json: true, value: expected.json });
    } else if (typeof expected.output === "string" && expected.output.trim() !== "") {
      out.push({
        type: "contains",
        name: "expected.output",
        value: expected.output.trim(),
        ignore_case: true,
        normalize_whitespace: true,
      });
    }
  }
  const calls = expected.tool_calls ?? [];
  if (!hasToolCheck && calls.length > 0) {
    out.push({
      type: "tool-sequence",
      name: "expected.tool_calls",
      tools: calls.map((t) => t.name),
    });
    calls.forEach((call, i) => {
      if (call.arguments && Object.keys(call.arguments).length > 0) {
        out.push({
          type: "tool-args-match",
          name: `expected.tool_calls[${i}].arguments`,
          tool: call.name,
          args: call.arguments,
        });
      }
    });
  }
  return out;
}

/** Explicit assertions (keys `assertions[i]`) followed by the implicit ones (keys `expected.*`). */
export function compileCase(
  c: Case,
  registry: GraderRegistry = defaultGraderRegistry(),
  memo?: AssertionMemo,
): CompiledAssertion[] {
  const explicit = compileAssertions(c.assertions ?? [], c.origin, {
    registry,
    ...(memo ? { memo } : {}),
  });
  const implicit = implicitAssertions(c, registry).map((spec) =>
    compileAssertion(spec, String(spec.name), c.origin, registry, memo),
  );
  return [...explicit, ...implicit];
}
