import { xmlAttr as xml } from "../../report/index.js";
import type { GateOutcome } from "../run.js";
import { pct, pValue, signedPoints } from "./format.js";

/** JUnit XML: the verdict, each dimension and each blocking regression as a test case. */
export function gateJunit({ decision, evidence }: GateOutcome): string {
  const { verdict } = evidence;
  const cases: string[] = [];
  const failure = (message: string) => `<failure message="${xml(message)}"/>`;
  cases.push(
    `    <testcase classname="ratchet.gate" name="verdict">${
      verdict.verdict === "promote"
        ? ""
        : failure(`${verdict.verdict}: ${verdict.reasons.join("; ")}`)
    }</testcase>`,
  );
  for (const d of verdict.dimensions) {
    const text = `${d.dimension}: ${pct(d.champion)} → ${pct(d.challenger)} (${signedPoints(d.delta)}, p ${pValue(d.pAdjusted)})`;
    cases.push(
      `    <testcase classname="ratchet.gate.dimension" name="${xml(d.dimension)}">${
        d.outcome === "worse" ? failure(text) : `<system-out>${xml(text)}</system-out>`
      }</testcase>`,
    );
  }
  for (const r of verdict.regressions) {
    if (r.severity !== "blocking") continue;
    cases.push(
      `    <testcase classname="ratchet.gate.regression" name="${xml(r.caseId)}">${failure(
        `passed for the champion (${pct(r.championPassRate)}), fails for the challenger (${pct(r.challengerPassRate)})${r.flaky ? "; flaky" : ""}`,
      )}</testcase>`,
    );
  }
  const failures = cases.filter((c) => c.includes("<failure")).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ratchet gate" tests="${cases.length}" failures="${failures}">`,
    `  <testsuite name="${xml(`gate ${decision.id}`)}" tests="${cases.length}" failures="${failures}" timestamp="${decision.created_at}">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
