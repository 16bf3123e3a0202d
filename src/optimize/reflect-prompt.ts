/**
 * The reflection prompt: plain text any model can read. Trusted header lines, then data blocks
 * whose text is HTML-escaped so that a case's content can neither close its block nor forge a
 * header (the same protocol shape as the judges'). `sim:reflector` reads exactly this.
 */
import { createHash } from "node:crypto";
import type { FailureEvidence } from "./types.js";

export const MAX_REFLECTION_FAILURES = 12;
export const MAX_INSTRUCTION_WORDS = 40;

const escapeData = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);
/** Continuation lines are indented so that an output line cannot pose as a field (`FAILED: …`). */
const value = (text: string, max: number) => clip(text, max).replace(/\n/g, "\n  ");

export interface ReflectionInput {
  prompt: string;
  target: string;
  failures: readonly FailureEvidence[];
  /** Instructions already tried for this target that did not work. */
  avoid: readonly string[];
}

export function reflectionPrompt(input: ReflectionInput): string {
  const boundary = createHash("sha256")
    .update(input.prompt)
    .update(input.target)
    .digest("hex")
    .slice(0, 12);
  const block = (name: string, body: string) =>
    `<<<BEGIN ${name} ${boundary}>>>\n${escapeData(body)}\n<<<END ${name} ${boundary}>>>`;
  const failures = input.failures.slice(0, MAX_REFLECTION_FAILURES).map((f) => {
    const lines = [
      `CASE: ${f.caseId}`,
      `INPUT: ${value(f.input, 600)}`,
      `OUTPUT: ${value(f.output, 800)}`,
      `TOOL_CALLS: ${f.toolCalls.map((c) => `${c.name} ${JSON.stringify(c.arguments ?? {})}`).join("; ") || "none"}`,
      ...(f.expectedToolCalls && f.expectedToolCalls.length > 0
        ? [
            `EXPECTED_TOOL_CALLS: ${f.expectedToolCalls.map((c) => `${c.name} ${JSON.stringify(c.arguments ?? {})}`).join("; ")}`,
          ]
        : []),
      ...f.failed.map(
        (c) =>
          `FAILED: ${c.name ?? c.type} (${c.type}, ${c.dimension}): ${clip(c.reason.replace(/\s+/g, " "), 400)}`,
      ),
    ];
    return block("FAILURE", lines.join("\n"));
  });
  return [
    "You improve an AI agent's system prompt. Below are the current prompt and cases where the agent failed, with what the graders said.",
    "Propose ONE minimal patch that fixes the shared cause: add one instruction, replace one instruction, or remove one.",
    "Write a general instruction; never copy a case's input or expected answer into it. Answer with one JSON object only.",
    "",
    "MODE: reflect",
    `BOUNDARY: ${boundary}`,
    "OPERATIONS: add, replace, remove",
    `MAX_INSTRUCTION_WORDS: ${MAX_INSTRUCTION_WORDS}`,
    `TARGET: ${input.target.replace(/\s+/g, " ").slice(0, 200)}`,
    'RESPONSE: {"operation": "add" | "replace" | "remove", "instruction": "<for add and replace>", "target": "<for replace and remove: an instruction quoted from PROMPT>", "rationale": "<why, citing the evidence>"}',
    "",
    block("PROMPT", input.prompt),
    ...failures,
    ...(input.avoid.length > 0 ? [block("AVOID", input.avoid.join("\n"))] : []),
  ].join("\n");
}
