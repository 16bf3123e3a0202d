import { maskPersonalData } from "../mining/index.js";

/** Longest input a drafted case keeps; a fixture should be smaller than the incident. */
export const MAX_INPUT_CHARS = 4000;
export const MAX_CONTEXT_CHARS = 500;

/**
 * Reserved example values (RFC 2606 domain, a 555 number, a test card, the IBAN registry's
 * example) that stand in for masked personal data, so a fixture can still reproduce a leak
 * without holding anyone's real data.
 */
const STAND_INS: ReadonlyArray<readonly [RegExp, string]> = [
  [/<email>/gi, "customer@example.com"],
  [/<phone>/gi, "+1 415 555 0100"],
  [/<card>/gi, "4111 1111 1111 1111"],
  [/<iban>/gi, "GB82 WEST 1234 5698 7654 32"],
];

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Text fit for a suite file: control characters dropped, bounded. */
export function cleanText(text: string, max: number): string {
  return clip(text.replace(CONTROL, ""), max);
}

/**
 * A failure's input as a fixture: masked again (a hand-recorded failure may not have been),
 * placeholders filled with stand-ins, bounded. Returns the notes a reviewer should read.
 */
export function fixtureInput(text: string): { input: string; notes: string[] } {
  const notes: string[] = [];
  let input = maskPersonalData(cleanText(text, MAX_INPUT_CHARS * 2));
  const filled: string[] = [];
  for (const [pattern, value] of STAND_INS) {
    if (pattern.test(input)) filled.push(value);
    pattern.lastIndex = 0;
    input = input.replace(pattern, value);
  }
  if (filled.length > 0) {
    notes.push(
      `masked personal data in the input was replaced by example values: ${filled.join(", ")}`,
    );
  }
  if (input.length > MAX_INPUT_CHARS) {
    notes.push(`input cut to ${MAX_INPUT_CHARS} characters (it had ${input.length})`);
    input = clip(input, MAX_INPUT_CHARS);
  }
  if (input.trim() === "") {
    input = "(the failure recorded no user input)";
    notes.push("the failure has no user input: write one before approving");
  }
  return { input, notes };
}

/** Masked text shown in a context fixture. */
export function contextText(text: string): string {
  return maskPersonalData(cleanText(text, MAX_CONTEXT_CHARS));
}

/** Lower-case, single spaces, no punctuation at the ends: for "same input" comparisons. */
export function normalizeInput(text: string): string {
  return text
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, "")
    .trim();
}
