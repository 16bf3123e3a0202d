import type { RefinementCtx } from "zod";

/** Short, single-line excerpt for reasons, so a report line stays readable. */
export function snippet(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export function quote(text: string, max = 60): string {
  return JSON.stringify(snippet(text, max));
}

/** Collapses runs of whitespace and trims; used by `normalize_whitespace`. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Typographic quotes to ASCII so phrase matching survives "smart" punctuation. */
export function asciiQuotes(text: string): string {
  return text.replace(/[\u2018\u2019\u02BC]/g, "'").replace(/[\u201C\u201D]/g, '"');
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The engine's message without its own "Invalid regular expression: /…/:" preamble. */
export function regexMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
}

/** Reports, while parsing a grader's params, a pattern at `path` that does not compile. */
export function addRegexIssue(
  ctx: RefinementCtx<unknown>,
  path: (string | number)[],
  error: unknown,
): void {
  ctx.addIssue({
    code: "custom",
    path,
    message: `invalid regular expression: ${regexMessage(error)}`,
  });
}
