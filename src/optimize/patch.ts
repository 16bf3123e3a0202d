import { z } from "zod";
import { closingIndex, InputError } from "../core/index.js";
import type { Patch } from "./types.js";

const PatchSchema = z.object({
  operation: z.enum(["add", "replace", "remove"]),
  instruction: z.string().optional(),
  target: z.string().optional(),
  position: z.enum(["start", "end"]).optional(),
  rationale: z.string().default(""),
});

/** The first balanced `{…}` in a model's answer (models wrap JSON in prose or fences). */
function firstObject(text: string): string | undefined {
  const start = text.indexOf("{");
  if (start < 0) return undefined;
  const end = closingIndex(text, start);
  return end < 0 ? undefined : text.slice(start, end);
}

/**
 * A proposer's answer read as a patch. Garbage, a truncated object, an unknown operation, a
 * missing instruction or target, or an instruction over `maxWords` is an InputError saying which.
 */
export function parsePatch(text: string, maxWords = 60): Patch {
  const json = firstObject(text);
  if (json === undefined) {
    throw new InputError(
      text.includes("{")
        ? "the proposer's answer is truncated: its JSON object never closes"
        : "the proposer's answer holds no JSON object",
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    throw new InputError(`the proposer's JSON does not parse: ${(e as Error).message}`);
  }
  const parsed = PatchSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `the proposer's patch is malformed at ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
    );
  }
  const patch = parsed.data;
  const instruction = patch.instruction?.trim();
  const target = patch.target?.trim();
  if (patch.operation !== "remove" && !instruction) {
    throw new InputError(`a ${patch.operation} patch needs an instruction`);
  }
  if (patch.operation !== "add" && !target) {
    throw new InputError(`a ${patch.operation} patch needs the target instruction it changes`);
  }
  if (instruction && instruction.split(/\s+/).length > maxWords) {
    throw new InputError(
      `the proposed instruction has ${instruction.split(/\s+/).length} words; a minimal patch has at most ${maxWords}`,
    );
  }
  return {
    operation: patch.operation,
    ...(instruction ? { instruction } : {}),
    ...(target ? { target } : {}),
    ...(patch.position ? { position: patch.position } : {}),
    rationale: patch.rationale.trim(),
  };
}
