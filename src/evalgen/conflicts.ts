import type { Case } from "../core/index.js";
import { normalizeInput } from "./fixture-text.js";
import type { SuiteCase } from "./types.js";

type Checked = Pick<Case, "input" | "assertions" | "expected"> | SuiteCase;

function userText(input: Checked["input"]): string {
  if (typeof input === "string") return input;
  return input.filter((m) => m.role === "user").at(-1)?.content ?? "";
}

function toolList(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

interface Expectations {
  refuse: boolean;
  answer: boolean;
  required: Set<string>;
  forbidden: Set<string>;
}

function expectations(c: Checked): Expectations {
  const out: Expectations = {
    refuse: false,
    answer: false,
    required: new Set(),
    forbidden: new Set(),
  };
  for (const a of c.assertions) {
    const negate = (a as { negate?: unknown }).negate === true;
    // A negated `refusal` asks for an answer, a negated `no-refusal` for a refusal.
    if (a.type === "refusal" || a.type === "no-refusal") {
      const refuses = (a.type === "refusal") !== negate;
      if (refuses) out.refuse = true;
      else out.answer = true;
    }
    if (a.type === "tool-called" || a.type === "tool-args-match") {
      for (const t of toolList(a.tool)) (negate ? out.forbidden : out.required).add(t);
    }
    if (a.type === "tool-not-called") for (const t of toolList(a.tool)) out.forbidden.add(t);
  }
  for (const call of c.expected?.tool_calls ?? []) out.required.add(call.name);
  return out;
}

/**
 * Why a draft contradicts an approved case with the same input (normalized): one must refuse
 * where the other must answer, or a tool one forbids the other requires. Empty when none.
 */
export function contradictions(draft: SuiteCase, approved: Checked): string[] {
  if (normalizeInput(userText(draft.input)) !== normalizeInput(userText(approved.input))) return [];
  const a = expectations(draft);
  const b = expectations(approved);
  const out: string[] = [];
  if (a.refuse && b.answer) out.push("the draft must refuse where it must answer");
  if (a.answer && b.refuse) out.push("the draft must answer where it must refuse");
  for (const t of a.forbidden)
    if (b.required.has(t)) out.push(`the draft forbids \`${t}\`, which it requires`);
  for (const t of a.required)
    if (b.forbidden.has(t)) out.push(`the draft requires \`${t}\`, which it forbids`);
  return out;
}
