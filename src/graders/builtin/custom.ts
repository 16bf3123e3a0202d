import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import vm from "node:vm";
import { z } from "zod";
import { errorMessage, type UserCodeHost } from "../../core/index.js";
import { snippet } from "../text.js";
import type { GradeInput, GradeResult, GraderDefinition } from "../types.js";

/** What a custom grader may return: a verdict, a score in 0..1, or a full result. */
export type CustomGraderReturn =
  | boolean
  | number
  | { score: number; passed?: boolean; reason?: string; details?: Record<string, unknown> };

/** The function a `custom` grader module exports. */
export type CustomGraderFunction = (
  input: Readonly<GradeInput>,
  config: unknown,
) => CustomGraderReturn | Promise<CustomGraderReturn>;

const unit = z.number().min(0).max(1);

/** Turns a custom grader's return value into a GradeResult; throws with a readable message. */
export function toGradeResult(value: unknown, threshold: number, label: string): GradeResult {
  if (typeof value === "boolean") {
    return { score: value ? 1 : 0, passed: value, reason: `${label} returned ${value}` };
  }
  if (typeof value === "number") {
    return {
      score: value,
      passed: value >= threshold,
      reason: `${label} scored ${Number.isFinite(value) ? Number(value.toFixed(3)) : value} (threshold ${threshold})`,
    };
  }
  if (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { score?: unknown }).score === "number"
  ) {
    const v = value as { score: number; passed?: unknown; reason?: unknown; details?: unknown };
    const out: GradeResult = {
      score: v.score,
      passed: typeof v.passed === "boolean" ? v.passed : v.score >= threshold,
      reason:
        typeof v.reason === "string" && v.reason !== ""
          ? v.reason
          : `${label} scored ${Number(v.score.toFixed(3))} (threshold ${threshold})`,
    };
    if (typeof v.details === "object" && v.details !== null && !Array.isArray(v.details)) {
      out.details = v.details as Record<string, unknown>;
    }
    return out;
  }
  const got = value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
  throw new Error(
    `${label} must return a boolean, a number in 0..1 or { score, passed?, reason? }; got ${got}`,
  );
}

// ── custom: a JS / TS module, run in a worker thread (core's user-code host) ──

/** The attempt as plain data: the judge runtime and the abort signal stay on this side. */
function plainInput(input: GradeInput): Omit<GradeInput, "judge" | "signal"> {
  const { judge: _judge, signal: _signal, ...plain } = input;
  return plain;
}

export function createCustomGrader(baseDir: () => string, userCode: () => UserCodeHost) {
  const params = z
    .strictObject({
      module: z.string().min(1),
      export: z.string().min(1).default("default"),
      /** Passed to the function as its second argument. */
      config: z.unknown().optional(),
      /** Score needed to pass when the function does not say `passed`. */
      threshold: unit.default(0.5),
      timeout_ms: z.number().int().positive().max(600_000).default(30_000),
    })
    .transform((p, ctx) => {
      const path = isAbsolute(p.module) ? p.module : resolve(baseDir(), p.module);
      if (!existsSync(path)) {
        ctx.addIssue({
          code: "custom",
          path: ["module"],
          message: `grader module not found: ${p.module} (resolved to ${path})`,
        });
        return z.NEVER;
      }
      return { ...p, path };
    });
  const def: GraderDefinition<z.output<typeof params>> = {
    type: "custom",
    dimension: "accuracy",
    params,
    negatable: true,
    description:
      "your function (`module` .js/.ts, `export`, default `default`) gets the attempt and `config`, returns boolean | score | { score, passed?, reason }",
    async grade(input, p) {
      const label = `custom grader ${p.module}${p.export === "default" ? "" : `#${p.export}`}`;
      const value = await userCode()
        .module(p.path, p.module)
        .call(p.export, [plainInput(input), p.config], {
          label,
          timeoutMs: p.timeout_ms,
          ...(input.signal ? { signal: input.signal } : {}),
        });
      return toGradeResult(value, p.threshold, label);
    },
  };
  return def;
}

// ── expression: an inline JavaScript expression in a node:vm context ──

/**
 * The script around a user expression. It runs in a fresh context whose only own global is
 * the attempt as a JSON string: objects are parsed inside the context so that nothing from
 * the host realm (whose Function could compile code) is reachable. The result and any error
 * are turned into a JSON string inside the context, within the time limit, so the host never
 * touches an object the expression made (a getter could otherwise run unbounded).
 */
function wrap(expr: string): string {
  return `"use strict";
(function () {
  "use strict";
  const __text = globalThis.__data;
  delete globalThis.__data;
  for (const k of ["WebAssembly", "SharedArrayBuffer", "Atomics"]) delete globalThis[k];
  const __freeze = (o) => {
    if (o !== null && typeof o === "object" && !Object.isFrozen(o)) {
      Object.freeze(o);
      for (const k of Object.keys(o)) __freeze(o[k]);
    }
    return o;
  };
  const input = __freeze(JSON.parse(__text));
  const { output, tool_calls, side_effects, messages, spans, steps, latency_ms, cost_usd, usage } = input;
  const expected = input.case.expected ?? {};
  const tools = __freeze(tool_calls.map((c) => c.name));
  const effects = __freeze(side_effects.map((e) => e.effect));
  const called = (name) => tools.includes(name);
  const happened = (name) => effects.includes(name);
  const words = (text = output) => (String(text).match(/\\S+/g) ?? []).length;
  let __r;
  try {
    __r = (function () {
      return (
${expr}
      );
    }).call(globalThis);
  } catch (e) {
    let m;
    try { m = e instanceof Error ? e.name + ": " + e.message : String(e); } catch { m = "an exception"; }
    return JSON.stringify({ kind: "error", message: String(m).slice(0, 300) });
  }
  if (__r !== null && (typeof __r === "object" || typeof __r === "function") && typeof __r.then === "function") {
    try { __r.then(undefined, () => {}); } catch {}
    return JSON.stringify({ kind: "error", message: "the expression returned a promise; expressions must be synchronous" });
  }
  if (typeof __r === "boolean" || typeof __r === "number") return JSON.stringify({ kind: "value", value: __r, nan: Number.isNaN(__r) });
  if (__r !== null && typeof __r === "object") {
    return JSON.stringify({ kind: "value", value: { score: __r.score, passed: __r.passed, reason: __r.reason === undefined ? undefined : String(__r.reason) } });
  }
  return JSON.stringify({ kind: "error", message: "the expression returned " + (__r === null ? "null" : typeof __r) + "; return a boolean, a number in 0..1 or { score, passed?, reason? }" });
}).call(globalThis);`;
}

type VmOutcome =
  | { kind: "value"; value: unknown; nan?: boolean }
  | { kind: "error"; message: string };

/** Runs a compiled expression against one attempt; throws an Error with a clear message. */
export function runExpression(script: vm.Script, input: GradeInput, timeoutMs: number): unknown {
  const sandbox = Object.create(null) as Record<string, unknown>;
  sandbox.__data = JSON.stringify(input);
  const context = vm.createContext(sandbox, {
    name: "ratchet expression",
    codeGeneration: { strings: false, wasm: false },
    // Promise jobs run inside the time limit instead of after it.
    microtaskMode: "afterEvaluate",
  });
  let raw: unknown;
  try {
    raw = script.runInContext(context, { timeout: timeoutMs, displayErrors: false });
  } catch (error) {
    // Only host errors reach here (the wrapper catches the expression's own exceptions).
    if ((error as { code?: unknown }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
      throw new Error(`expression timed out after ${timeoutMs} ms`);
    }
    throw new Error(`expression failed: ${snippet(errorMessage(error), 200)}`);
  }
  if (typeof raw !== "string") throw new Error("expression produced no result");
  const outcome = JSON.parse(raw) as VmOutcome;
  if (outcome.kind === "error") throw new Error(`expression failed: ${outcome.message}`);
  if (outcome.nan) throw new Error("expression returned NaN");
  return outcome.value;
}

export function compileExpression(expr: string): vm.Script {
  // `import()` cannot be given a loader in a plain vm context: it rejects outside the time
  // limit as an unhandled rejection. Refusing the word is blunt but cannot be dodged
  // (escaped keywords are syntax errors).
  if (/\bimport\b/.test(expr)) {
    throw new Error(
      "`import` is not available in expressions (no modules, files or network); to match the word, write /imp[o]rt/",
    );
  }
  try {
    return new vm.Script(wrap(expr), { filename: "expression.js" });
  } catch (error) {
    throw new Error(`not a valid JavaScript expression: ${errorMessage(error)}`);
  }
}

const expressionParams = z
  .strictObject({
    expr: z.string().min(1),
    threshold: unit.default(0.5),
    timeout_ms: z.number().int().positive().max(10_000).default(200),
  })
  .transform((p, ctx) => {
    try {
      return { ...p, script: compileExpression(p.expr) };
    } catch (error) {
      ctx.addIssue({ code: "custom", path: ["expr"], message: errorMessage(error) });
      return z.NEVER;
    }
  });

export const expression: GraderDefinition<z.output<typeof expressionParams>> = {
  type: "expression",
  dimension: "accuracy",
  params: expressionParams,
  negatable: true,
  description:
    "an inline JavaScript expression over `output`, `input`, `expected`, `tools`, `effects`, `steps`… (sandboxed, `timeout_ms` 200) returning boolean | score | { score, passed?, reason }",
  grade(input, p) {
    const value = runExpression(p.script, input, p.timeout_ms);
    return toGradeResult(value, p.threshold, `expression ${JSON.stringify(snippet(p.expr, 60))}`);
  },
};
