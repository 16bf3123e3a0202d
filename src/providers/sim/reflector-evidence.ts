/**
 * What a prompt engineer reads out of one FAILURE block: which kind of mistake the grader
 * evidence shows (a theme) and the specifics an instruction can name (tool, argument, key,
 * style). Only the block's own text is used: the reasons of the failed checks, the output,
 * and the tool calls made and expected.
 */
import type { ReflectionFailure, ReflectionToolCall } from "./reflector-prompt.js";
import { argumentChange, checkFindings } from "./reflector-reasons.js";
import { allStrings, embeddedJson, wordCount } from "./reflector-text.js";

export type ThemeId =
  | "json_only"
  | "json_syntax"
  | "json_key_names"
  | "json_required_keys"
  | "json_extra_keys"
  | "json_numbers"
  | "allowed_values"
  | "call_tool"
  | "wrong_tool"
  | "avoid_tool"
  | "tool_arguments"
  | "fewer_steps"
  | "iso_dates"
  | "no_pii"
  | "over_refusal"
  | "under_refusal"
  | "invented_policy"
  | "forbidden_terms"
  | "concise";

export interface Finding {
  theme: ThemeId;
  /** Specifics for the instruction, e.g. `{ tool: "lookup_order" }`; `|` joins several. */
  facts: Record<string, string>;
  /** 1 for a grader's direct evidence; less for circumstantial signs (a long output). */
  weight: number;
  /** A short quote of the evidence, for the rationale. */
  evidence: string;
}

/** Expected tool calls the block lists but the agent did not make (or made differently). */
function compareCalls(failure: ReflectionFailure): Finding[] {
  const expected = failure.expectedToolCalls;
  if (!expected || expected.length === 0) return [];
  const called = failure.toolCalls;
  const out: Finding[] = [];
  const show = (c: ReflectionToolCall) => `${c.name} ${JSON.stringify(c.arguments)}`;
  for (const want of expected) {
    const same = called.filter((c) => c.name === want.name);
    if (same.length === 0) {
      const other = called.find((c) => !expected.some((e) => e.name === c.name));
      const made =
        called.length === 0
          ? "no tools were called"
          : `called ${called.map((c) => c.name).join(", ")}`;
      const evidence = `expected a call to ${want.name}; ${made}`;
      out.push(
        other
          ? {
              theme: "wrong_tool",
              facts: { expected: want.name, wrong: other.name },
              weight: 1,
              evidence,
            }
          : { theme: "call_tool", facts: { tool: want.name }, weight: 1, evidence },
      );
      continue;
    }
    for (const [arg, value] of Object.entries(want.arguments)) {
      if (typeof value !== "string" || same.some((c) => c.arguments[arg] === value)) continue;
      const got = same.map((c) => c.arguments[arg]).find((v) => typeof v === "string");
      out.push({
        theme: "tool_arguments",
        facts: {
          tool: want.name,
          arg,
          kind: typeof got === "string" ? argumentChange(value, got) : "missing",
        },
        weight: 1,
        evidence: `expected ${show(want)}, got ${same.map(show).join("; ")}`,
      });
    }
  }
  return out;
}

/** Every finding of one FAILURE block: its failed checks, its tool calls, its output. */
export function findingsOf(failure: ReflectionFailure): Finding[] {
  const out: Finding[] = [];
  for (const check of failure.failed) out.push(...checkFindings(check, failure));
  out.push(...compareCalls(failure));
  const json = embeddedJson(failure.output);
  if (json && out.some((f) => f.theme.startsWith("json_"))) {
    // "12,500" in quotes: a number written as text, even when a rename hides it from the diff.
    const grouped = allStrings(json).find((s) => /^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(s));
    if (grouped) {
      out.push({
        theme: "json_numbers",
        facts: {},
        weight: 1,
        evidence: `the output JSON has the number "${grouped}" as a string`,
      });
    }
  }
  // A long answer padded with extra paragraphs is a sign, not a graded failure: half weight.
  const words = wordCount(failure.output);
  const paragraphs = failure.output.split(/\n\s*\n/).filter((p) => p.trim() !== "").length;
  if (words > 70 && paragraphs >= 2 && !json) {
    out.push({
      theme: "concise",
      facts: {},
      weight: 0.5,
      evidence: `the output runs to ${words} words in ${paragraphs} paragraphs`,
    });
  }
  return out;
}
