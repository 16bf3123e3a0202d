import { describe, expect, it } from "vitest";
import { InputError } from "../core/index.js";
import { compileAssertions, parseOrigin } from "./compile.js";
import { createGraderRegistry } from "./registry.js";

function compileError(specs: unknown[], origin?: string): InputError {
  try {
    compileAssertions(specs as Array<{ type: string }>, origin);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error("expected an InputError");
}

describe("compileAssertions", () => {
  it("suggests the nearest type for an unknown one, with origin and key", () => {
    const e = compileError(
      [
        { type: "contains", value: "x" },
        { type: "regex", pattern: "a" },
        { type: "tool_called", tool: "a" },
      ],
      "suites/support.yaml:14",
    );
    expect(e.message).toBe("unknown assertion type `tool_called` (did you mean `tool-called`?)");
    expect(e.location).toEqual({
      file: "suites/support.yaml",
      line: 14,
      key: "assertions[2].type",
    });
    expect(e.format()).toBe(
      "suites/support.yaml:14: assertions[2].type: unknown assertion type `tool_called` (did you mean `tool-called`?)",
    );
  });

  it("lists the known types when nothing is close", () => {
    expect(compileError([{ type: "sentiment" }]).message).toMatch(
      /^unknown assertion type `sentiment`; known types: equals, contains/,
    );
  });

  it("names a param of the wrong type", () => {
    const e = compileError([{ type: "latency", max_ms: "2s" }]);
    expect(e.location.key).toBe("assertions[0].max_ms");
    expect(e.message).toBe("param `max_ms` of `latency`: expected number, received string");
  });

  it("names a missing required param", () => {
    const e = compileError([{ type: "tool-called" }]);
    expect(e.message).toBe("missing required param `tool` for `tool-called`");
    expect(e.location.key).toBe("assertions[0].tool");
  });

  it("suggests the intended param for a misspelt one", () => {
    const e = compileError([{ type: "contains", valeu: "x" }]);
    expect(e.message).toBe(
      "unknown param `valeu` for `contains` (did you mean `value`?); params: value, match, ignore_case, normalize_whitespace",
    );
    expect(e.location.key).toBe("assertions[0].valeu");
  });

  it("validates the common params", () => {
    expect(compileError([{ type: "contains", value: "x", weight: -1 }]).location.key).toBe(
      "assertions[0].weight",
    );
    expect(
      compileError([{ type: "contains", value: "x", dimension: "acuracy" }]).message,
    ).toContain("(did you mean `accuracy`?)");
    expect(compileError([{ type: "contains", value: "x", name: "" }]).location.key).toBe(
      "assertions[0].name",
    );
    const neg = compileError([{ type: "not-contains", value: "x", negate: true }]);
    expect(neg.message).toBe(
      "`negate` is not supported by `not-contains` (use `contains` instead)",
    );
  });

  it("rejects invalid regexes and enum values", () => {
    expect(compileError([{ type: "regex", pattern: "([a-z]" }]).message).toMatch(
      /^param `pattern` of `regex`: invalid regular expression: /,
    );
    expect(compileError([{ type: "contains", value: ["a"], match: "some" }]).location.key).toBe(
      "assertions[0].match",
    );
  });

  it("applies defaults and overrides for the common params", () => {
    const [a, b] = compileAssertions([
      { type: "contains", value: "x" },
      {
        type: "tool-called",
        tool: "t",
        weight: 2,
        dimension: "accuracy",
        name: "calls t",
        negate: true,
      },
    ]);
    expect(a).toMatchObject({
      type: "contains",
      name: "contains",
      dimension: "accuracy",
      weight: 1,
      negate: false,
      key: "assertions[0]",
    });
    expect(b).toMatchObject({
      type: "tool-called",
      name: "calls t",
      dimension: "accuracy",
      weight: 2,
      negate: true,
    });
  });

  it("uses a given registry and key prefix", () => {
    const registry = createGraderRegistry({ builtins: false });
    registry.register({
      type: "always",
      dimension: "accuracy",
      params: createGraderRegistry().get("json-valid")!.params,
      grade: () => ({ score: 1, passed: true, reason: "ok" }),
    });
    expect(compileAssertions([{ type: "always" }], undefined, { registry })).toHaveLength(1);
    const e = (() => {
      try {
        compileAssertions([{ type: "contains", value: "x" }], undefined, {
          registry,
          keyPrefix: "cases[3].assertions",
        });
      } catch (err) {
        return err as InputError;
      }
    })();
    expect(e?.location.key).toBe("cases[3].assertions[0].type");
  });

  it("refuses to register a type twice", () => {
    const registry = createGraderRegistry();
    expect(() => registry.register(registry.get("equals")!)).toThrow(/already registered/);
  });
});

describe("parseOrigin", () => {
  it("splits file, line and column", () => {
    expect(parseOrigin("a/b.yaml:3:7")).toEqual({ file: "a/b.yaml", line: 3, column: 7 });
    expect(parseOrigin("C:/x/b.yaml:3")).toEqual({ file: "C:/x/b.yaml", line: 3 });
    expect(parseOrigin("inline")).toEqual({ file: "inline" });
    expect(parseOrigin(undefined)).toEqual({});
  });
});
