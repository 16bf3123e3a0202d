/**
 * End to end: the bundled support example runs on `sim:support` with a plain two-line system
 * prompt; each kind of failure it shows is handed to `sim:reflector` as a reflection prompt
 * (real grader evidence); the patch is applied to the plain prompt and the eval runs again.
 * The failure must (almost) disappear. The reflector never sees the profile: if one of these
 * fails, its phrasing is what needs work, not the profile.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/test-support.js";
import { SimReflectorModel } from "./reflector.js";
import { type FailureInput, reflectionPrompt } from "./test-support/reflection-prompt.js";

const EXAMPLE = new URL("../../../examples/support-agent", import.meta.url).pathname;
const PLAIN =
  "You are a helpful customer-support assistant for an online shop.\nAnswer the customer's question.";

interface Score {
  grader: string;
  dimension: string;
  passed: boolean;
  reason: string;
  details?: { name?: string };
}
interface Attempt {
  case_id: string;
  output: string;
  messages: Array<{ role: string; content: string }>;
  tool_calls: Array<{ name: string; arguments: Record<string, unknown> }>;
  scores: Score[];
}

/** A kind of failure, as a person reading the report would group it (a stand-in for a cluster). */
interface Symptom {
  name: string;
  shows: (a: Attempt, s: Score) => boolean;
  /** The instruction the reflector should come up with (its theme, not its wording). */
  instruction: RegExp;
}

const refusing = (a: Attempt) => /^I'm sorry|can't help/i.test(a.output);

const SYMPTOMS: Symptom[] = [
  {
    name: "JSON wrapped in prose",
    shows: (_, s) => /not valid JSON: it starts with prose|code fence/.test(s.reason),
    instruction: /raw JSON object/,
  },
  {
    name: "answers without calling a tool",
    shows: (a, s) => /no tools were called/.test(s.reason) && !refusing(a),
    instruction: /^Always call /,
  },
  {
    name: "wrong tool",
    shows: (_, s) => s.grader === "tool-called" && /tools called: /.test(s.reason),
    instruction: /^Use issue_refund .* do not use search_kb/,
  },
  {
    name: "order id without its prefix",
    shows: (_, s) => /\$\.order_id: expected "ORD-\d+", got "\d+"/.test(s.reason),
    instruction: /order_id .*exactly as/,
  },
  {
    name: "US dates",
    shows: (a, s) => s.details?.name === "iso-date" && /\d{2}\/\d{2}\/\d{4}/.test(a.output),
    instruction: /ISO 8601/,
  },
  {
    name: "e-mail address leaked",
    shows: (_, s) => s.grader === "no-pii",
    instruction: /personal data/,
  },
  {
    name: "invented return policy",
    shows: (_, s) => s.grader === "not-contains",
    instruction: /invent/,
  },
  {
    name: "refuses routine requests",
    shows: (_, s) => s.grader === "no-refusal",
    instruction: /refuse/,
  },
  {
    name: "padded answers",
    shows: (_, s) => s.details?.name === "concise",
    instruction: /concise/i,
  },
];

let dir: string;
let config: string;
let baseline: Attempt[];

async function evaluate(prompt: string, out: string): Promise<Attempt[]> {
  writeFileSync(join(dir, "prompts", "system.md"), `${prompt}\n`);
  const file = join(dir, out);
  const run = await runCli("eval", "-c", config, "--no-cache", "-r", "2", "-o", file);
  expect(run.code, run.err).not.toBe(2);
  return (JSON.parse(readFileSync(file, "utf8")) as { attempts: Attempt[] }).attempts;
}

const showing = (attempts: Attempt[], symptom: Symptom) =>
  attempts.filter((a) => a.scores.some((s) => !s.passed && symptom.shows(a, s)));

function failureBlock(a: Attempt): FailureInput {
  return {
    caseId: a.case_id,
    input: a.messages.find((m) => m.role === "user")?.content ?? "",
    output: a.output,
    toolCalls: a.tool_calls,
    failed: a.scores
      .filter((s) => !s.passed)
      .map((s) => ({
        name: s.details?.name ?? s.grader,
        type: s.grader,
        dimension: s.dimension,
        reason: s.reason,
      })),
  };
}

function applyPatch(
  prompt: string,
  patch: { operation: string; instruction?: string; target?: string },
) {
  if (patch.operation === "add") return `${prompt}\n${patch.instruction}`;
  expect(prompt).toContain(patch.target);
  return prompt.replace(patch.target!, patch.operation === "replace" ? patch.instruction! : "");
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-reflector-"));
  cpSync(EXAMPLE, dir, { recursive: true });
  rmSync(join(dir, ".ratchet"), { recursive: true, force: true });
  config = join(dir, "ratchet.yaml");
  writeFileSync(config, readFileSync(config, "utf8").replace("latency_ms: 5", "latency_ms: 0"));
  baseline = await evaluate(PLAIN, "baseline.json");
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("sim:reflector cures the habits its evidence came from (sim:support)", () => {
  it.each(SYMPTOMS)("$name", async (symptom) => {
    const before = showing(baseline, symptom);
    // Otherwise this proves nothing: the plain prompt must show the symptom.
    expect(before.length).toBeGreaterThanOrEqual(2);
    const text = new SimReflectorModel().reflectionText(
      reflectionPrompt({
        prompt: PLAIN,
        failures: before.slice(0, 12).map(failureBlock),
        target: symptom.name,
      }),
    );
    const patch = JSON.parse(text) as { operation: string; instruction?: string; target?: string };
    expect(patch.instruction).toMatch(symptom.instruction);
    const after = showing(
      await evaluate(applyPatch(PLAIN, patch), `${symptom.name}.json`),
      symptom,
    );
    // The profile's rare flakes fire a habit whatever the prompt says: allow one.
    expect(
      after.length,
      `${patch.instruction}: ${before.length} → ${after.length}`,
    ).toBeLessThanOrEqual(1);
  });
});
