import type { Attempt, Run } from "../core/index.js";
import { xmlAttr, xmlText } from "./escape.js";
import { failedAssertionLines, failedScores, truncate } from "./text.js";
import type { AttemptSource, Sink } from "./types.js";

const SYSTEM_OUT_LIMIT = 4000;
const MESSAGE_LIMIT = 500;

interface SuiteCounts {
  tests: number;
  failures: number;
  errors: number;
  timeMs: number;
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

function testcase(run: Run, attempt: Attempt): string {
  const tag = attempt.tags[0];
  const classname = tag ? `${run.suite}/${tag}` : run.suite;
  const open = `    <testcase classname="${xmlAttr(classname)}" name="${xmlAttr(`${attempt.case_id}#${attempt.epoch}`)}" time="${seconds(attempt.latency_ms)}"`;
  const body: string[] = [];
  if (attempt.status === "error") {
    const error = attempt.error;
    const type = error?.class ?? "error";
    const message = error?.message ?? "attempt errored";
    body.push(
      `      <error type="${xmlAttr(type)}" message="${xmlAttr(truncate(message, MESSAGE_LIMIT))}">${xmlText(message)}</error>`,
    );
  } else if (attempt.status === "failed") {
    const lines = failedAssertionLines(attempt);
    const first = failedScores(attempt)[0];
    const message = first
      ? `${lines.length} assertion(s) failed: ${lines[0]}`
      : `score ${attempt.overall.toFixed(3)} below the bar`;
    body.push(
      `      <failure type="assertion" message="${xmlAttr(truncate(message, MESSAGE_LIMIT))}">${xmlText(lines.join("\n"))}</failure>`,
    );
  }
  if (attempt.output) {
    body.push(
      `      <system-out>${xmlText(truncate(attempt.output, SYSTEM_OUT_LIMIT))}</system-out>`,
    );
  }
  return body.length === 0 ? `${open}/>\n` : `${open}>\n${body.join("\n")}\n    </testcase>\n`;
}

function suiteOpen(name: string, counts: Omit<SuiteCounts, "timeMs"> & { timeMs?: number }) {
  const time = counts.timeMs === undefined ? "" : ` time="${seconds(counts.timeMs)}"`;
  return `  <testsuite name="${xmlAttr(name)}" tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="0"${time}>\n`;
}

/**
 * JUnit XML for CI. One `<testsuite>` when the run has one model and totals: counts come from
 * `run.totals` and attempts stream in one pass. Otherwise one suite per variant, which needs a
 * counting pass (counters only) and then one filtered pass per variant, since suite counts are
 * attributes that must precede the testcases.
 */
export async function writeJunit(sink: Sink, run: Run, attempts: AttemptSource): Promise<void> {
  await sink.write('<?xml version="1.0" encoding="UTF-8"?>\n');
  const totals = run.totals;
  if (totals && run.models.length <= 1) {
    await sink.write(
      `<testsuites name="${xmlAttr(run.suite)}" tests="${totals.attempts}" failures="${totals.failed}" errors="${totals.errors}">\n`,
    );
    await sink.write(
      suiteOpen(run.models[0] ?? run.suite, {
        tests: totals.attempts,
        failures: totals.failed,
        errors: totals.errors,
      }),
    );
    for await (const attempt of attempts()) await sink.write(testcase(run, attempt));
    await sink.write("  </testsuite>\n</testsuites>\n");
    return;
  }

  const byVariant = new Map<string, SuiteCounts>();
  for await (const attempt of attempts()) {
    const counts = byVariant.get(attempt.variant) ?? {
      tests: 0,
      failures: 0,
      errors: 0,
      timeMs: 0,
    };
    counts.tests += 1;
    if (attempt.status === "failed") counts.failures += 1;
    if (attempt.status === "error") counts.errors += 1;
    counts.timeMs += attempt.latency_ms;
    byVariant.set(attempt.variant, counts);
  }
  const all = [...byVariant.values()].reduce(
    (sum, c) => ({
      tests: sum.tests + c.tests,
      failures: sum.failures + c.failures,
      errors: sum.errors + c.errors,
      timeMs: sum.timeMs + c.timeMs,
    }),
    { tests: 0, failures: 0, errors: 0, timeMs: 0 },
  );
  await sink.write(
    `<testsuites name="${xmlAttr(run.suite)}" tests="${all.tests}" failures="${all.failures}" errors="${all.errors}" time="${seconds(all.timeMs)}">\n`,
  );
  for (const [variant, counts] of byVariant) {
    await sink.write(suiteOpen(variant || run.suite, counts));
    for await (const attempt of attempts({ variant })) {
      if (attempt.variant === variant) await sink.write(testcase(run, attempt));
    }
    await sink.write("  </testsuite>\n");
  }
  await sink.write("</testsuites>\n");
}
