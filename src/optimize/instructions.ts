import { InputError } from "../core/index.js";
import type { Patch } from "./types.js";

/** Lower case, whitespace collapsed, trailing punctuation dropped: how instructions are compared. */
export function normalizeInstruction(text: string): string {
  return text
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/[\s.!;:]+$/, "")
    .trim();
}

/**
 * Finds the line a `replace` / `remove` names. A model quotes loosely: an exact line wins, then
 * a line containing the quote, then one the quote contains (at least 12 characters of it).
 */
export function findInstruction(lines: readonly string[], target: string): number {
  const wanted = normalizeInstruction(target);
  if (wanted === "") return -1;
  const normalized = lines.map(normalizeInstruction);
  const exact = normalized.indexOf(wanted);
  if (exact >= 0) return exact;
  const containing = normalized.findIndex((line) => line !== "" && line.includes(wanted));
  if (containing >= 0) return containing;
  return normalized.findIndex((line) => line.length >= 12 && wanted.includes(line));
}

/** Whether the prompt already says this (same normalized line). */
export function hasInstruction(prompt: string, instruction: string): boolean {
  const wanted = normalizeInstruction(instruction);
  return prompt.split("\n").some((line) => normalizeInstruction(line) === wanted);
}

/**
 * The prompt with the patch applied. An added instruction becomes its own line: after the
 * opening paragraph (`start`, so it is read before a model's attention or budget runs out) or
 * at the end. Throws an InputError for a patch that does not fit the prompt.
 */
export function applyPatch(prompt: string, patch: Patch): string {
  const lines = prompt.replace(/\s+$/, "").split("\n");
  const instruction = patch.instruction?.trim().replace(/\s+/g, " ");
  if (patch.operation !== "remove" && !instruction) {
    throw new InputError(`a ${patch.operation} patch needs an instruction`);
  }
  if (patch.operation === "add") {
    if (hasInstruction(prompt, instruction ?? "")) {
      throw new InputError("the prompt already has this instruction");
    }
    if (patch.position === "start") {
      const firstBreak = lines.findIndex((line, i) => i > 0 && line.trim() === "");
      const at = firstBreak < 0 ? Math.min(1, lines.length) : firstBreak;
      return [...lines.slice(0, at), instruction ?? "", ...lines.slice(at)].join("\n").concat("\n");
    }
    return [...lines, instruction ?? ""].join("\n").concat("\n");
  }
  const index = findInstruction(lines, patch.target ?? "");
  if (index < 0) {
    throw new InputError(
      `the ${patch.operation} patch names an instruction the prompt does not have: "${(patch.target ?? "").slice(0, 80)}"`,
    );
  }
  const next =
    patch.operation === "remove"
      ? [...lines.slice(0, index), ...lines.slice(index + 1)]
      : [...lines.slice(0, index), instruction ?? "", ...lines.slice(index + 1)];
  return next.join("\n").concat("\n");
}
