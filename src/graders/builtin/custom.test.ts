import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createUserCodeHost } from "../../core/index.js";
import { compileAssertions } from "../compile.js";
import { createGraderRegistry } from "../registry.js";
import { gradeAssertion } from "../score.js";
import { calls, grade, makeInput } from "../testing.js";
import type { GradeInput } from "../types.js";

const here = fileURLToPath(new URL("./test-support", import.meta.url));
const registry = createGraderRegistry({ baseDir: here });

async function gradeWith(spec: Record<string, unknown>, over = {}) {
  const [a] = compileAssertions([spec as { type: string }], "suite.yaml:1", { registry });
  return gradeAssertion(makeInput(over), a!);
}

describe("expression", () => {
  it("evaluates the seed's example over the output", () => {
    const spec = { type: "expression", expr: "output.length < 400 && !/sorry/i.test(output)" };
    expect(grade(spec, { output: "Your refund is on its way." }).passed).toBe(true);
    const s = grade(spec, { output: "Sorry, I cannot." });
    expect(s).toMatchObject({ passed: false, score: 0 });
    expect(s.reason).toMatch(/^expression ".*" returned false$/);
  });

  it("sees tools, effects, expected and helpers, and may return a score or a result", () => {
    const over = {
      output: "one two three",
      tool_calls: calls("lookup_order"),
      side_effects: [{ tool: "refund", effect: "refund.issued" }],
    };
    expect(
      grade({ type: "expression", expr: "called('lookup_order') && !happened('x')" }, over).passed,
    ).toBe(true);
    expect(grade({ type: "expression", expr: "words() / 6" }, over)).toMatchObject({
      score: 0.5,
      passed: true,
    });
    const r = grade(
      { type: "expression", expr: "({ score: 0.2, reason: 'only ' + words() + ' words' })" },
      over,
    );
    expect(r).toMatchObject({ score: 0.2, passed: false, reason: "only 3 words" });
  });

  it("cannot change the attempt it grades", () => {
    const input = makeInput({ output: "abc" });
    const [a] = compileAssertions([
      { type: "expression", expr: "(input.output = 'x', output.length === 3)" },
    ]);
    const s = gradeAssertion(input, a!);
    expect((s as { reason: string }).reason).toMatch(
      /grader error: expression failed: TypeError: Cannot assign to read only/,
    );
    expect(input.output).toBe("abc");
  });

  it("blocks process, require, import(), the constructor escape and eval", () => {
    const blocked: Array<[string, RegExp]> = [
      ["process.exit(1)", /expression failed: ReferenceError: process is not defined/],
      ["require('fs')", /expression failed: ReferenceError: require is not defined/],
      [
        "this.constructor.constructor('return process')()",
        /EvalError: Code generation from strings disallowed/,
      ],
      [
        "output.constructor.constructor('return process')()",
        /EvalError: Code generation from strings disallowed/,
      ],
      ["eval('1 + 1') === 2", /EvalError: Code generation from strings disallowed/],
      ["typeof globalThis.__data === 'undefined' && typeof WebAssembly", /returned string/],
    ];
    for (const [expr, message] of blocked) {
      const s = grade({ type: "expression", expr });
      expect(s.passed, expr).toBe(false);
      expect(s.reason, expr).toMatch(/^grader error: /);
      expect(s.reason, expr).toMatch(message);
    }
    // import() is refused when the assertion is compiled, before anything runs.
    expect(() => compileAssertions([{ type: "expression", expr: "import('fs')" }])).toThrow(
      /`import` is not available in expressions/,
    );
  });

  it("stops an infinite loop, and one hidden in a promise job, at the time limit", () => {
    for (const expr of [
      "(() => { while (true) {} })()",
      "(Promise.resolve().then(() => { for (;;) {} }), true)",
    ]) {
      const s = grade({ type: "expression", expr, timeout_ms: 50 });
      expect(s.reason, expr).toBe("grader error: expression timed out after 50 ms");
    }
  });

  it("refuses promises and other return types with a clear error", () => {
    expect(grade({ type: "expression", expr: "Promise.resolve(true)" }).reason).toMatch(
      /returned a promise/,
    );
    expect(grade({ type: "expression", expr: "'yes'" }).reason).toMatch(
      /returned string; return a boolean/,
    );
  });
});

describe("custom (module)", () => {
  it("loads a TypeScript module relative to baseDir and passes config", async () => {
    const spec = { type: "custom", module: "./word-limit.ts", config: { max: 4 } };
    expect(await gradeWith(spec, { output: "short answer" })).toMatchObject({
      passed: true,
      score: 1,
    });
    const s = await gradeWith(spec, { output: "one two three four five six seven eight" });
    expect(s).toMatchObject({ passed: true, score: 0.5, reason: "8 words (max 4)" });
    const strict = await gradeWith(
      { ...spec, threshold: 0.9 },
      { output: "one two three four five six seven eight" },
    );
    expect(strict.passed).toBe(false);
  });

  it("reports a missing export, a non-function and a bad return value as grader errors", async () => {
    const missing = await gradeWith({ type: "custom", module: "./word-limit.ts", export: "nope" });
    expect(missing.reason).toMatch(
      /export `nope` of .* is not a function \(functions: default, returnsString\)/,
    );
    const bad = await gradeWith({
      type: "custom",
      module: "./word-limit.ts",
      export: "returnsString",
    });
    expect(bad.reason).toMatch(/must return a boolean, a number in 0..1 or \{ score/);
  });

  it("loads a TypeScript grader from a project that Node treats as CommonJS", async () => {
    // No "type": "module": tsx compiles the file to CommonJS and its exports arrive wrapped.
    const dir = mkdtempSync(join(tmpdir(), "ratchet-cjs-grader-"));
    try {
      writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "their-agent" }));
      writeFileSync(
        join(dir, "grader.ts"),
        [
          "export default function short(input: { output: string }): boolean {",
          "  return input.output.length < 20;",
          "}",
          "export function never(): number {",
          "  return 0;",
          "}",
        ].join("\n"),
      );
      const module = join(dir, "grader.ts");
      expect(await gradeWith({ type: "custom", module }, { output: "fine" })).toMatchObject({
        passed: true,
      });
      expect(
        await gradeWith({ type: "custom", module, export: "never" }, { output: "fine" }),
      ).toMatchObject({ passed: false, score: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is an input error at compile time when the file does not exist", () => {
    expect(() =>
      compileAssertions([{ type: "custom", module: "./missing.ts" }], "suite.yaml:4", { registry }),
    ).toThrow(/grader module not found: .\/missing.ts/);
  });
});

describe("custom graders run in a worker thread", () => {
  // One worker per module at most: a stuck worker that was not replaced would hang the next call.
  const host = createUserCodeHost({ maxWorkersPerModule: 1 });
  const isolated = createGraderRegistry({ baseDir: here, userCode: host });
  afterAll(() => host.close());

  async function gradeIsolated(spec: Record<string, unknown>, over: Partial<GradeInput> = {}) {
    const [a] = compileAssertions([{ type: "custom", module: "./misbehaving.ts", ...spec }], "", {
      registry: isolated,
    });
    return gradeAssertion(makeInput({ output: "fine", ...over }), a!);
  }

  /** The worker that ran the bad call is terminated (the pool holds no worker any more). */
  async function workerStopped() {
    await vi.waitFor(() => expect(host.workers()).toBe(0), { timeout: 60_000, interval: 20 });
  }

  it("stops a grader that spins synchronously, or after an await, at its timeout", async () => {
    for (const name of ["spins", "spinsAfterAwait"]) {
      const s = await gradeIsolated({ export: name, timeout_ms: 300 });
      expect(s).toMatchObject({ passed: false, score: 0 });
      expect(s.reason).toBe(
        `grader error: custom grader ./misbehaving.ts#${name} did not finish within 300 ms`,
      );
      await workerStopped();
      // The module is still usable: the next call gets a fresh worker.
      expect(await gradeIsolated({ export: "passes" })).toMatchObject({ passed: true, score: 1 });
    }
  });

  it("makes process.exit in a grader an error of that grade, not the end of the process", async () => {
    const s = await gradeIsolated({ export: "exits" });
    expect(s.passed).toBe(false);
    expect(s.reason).toBe(
      "grader error: process.exit(0) was called in ./misbehaving.ts; user code must return or throw, not exit",
    );
    await workerStopped();
    expect(await gradeIsolated({ export: "passes" })).toMatchObject({ passed: true });
  });

  it("keeps a thrown error's message, and refuses a result that cannot cross back", async () => {
    expect((await gradeIsolated({ export: "throwsRangeError" })).reason).toBe(
      "grader error: score 42 is out of range for order ORD-1001",
    );
    expect((await gradeIsolated({ export: "returnsAFunction" })).reason).toMatch(
      /^grader error: returned a value that cannot be passed back \(plain data only/,
    );
  });

  it("hands the attempt and config over whole, without the judge runtime or the signal", async () => {
    const s = await gradeIsolated(
      { export: "echoesInput", config: { max: 4, words: ["a", "b"] } },
      { tool_calls: calls("lookup_order"), signal: new AbortController().signal },
    );
    expect(s.details).toEqual({
      caseId: "case-1",
      tools: ["lookup_order"],
      config: { max: 4, words: ["a", "b"] },
    });
  });

  it("gives up at once when the run is killed, and terminates the stuck worker", async () => {
    const kill = new AbortController();
    const grading = gradeIsolated(
      { export: "spins", timeout_ms: 600_000 },
      { signal: kill.signal },
    );
    kill.abort(new Error("run cancelled"));
    expect((await grading).reason).toBe("grader error: run cancelled");
    await workerStopped();
  });
});
