/**
 * Text normalisation for the offline embedder and the keyword labels. Failure texts arrive
 * from anywhere (stack traces, tool output, decoded bytes that were not UTF-8), so this is the
 * one place that decides what a "word" is.
 */

/** Longer texts are cut here: the head of a failure says what it is, and this bounds memory. */
export const DEFAULT_MAX_TEXT_CHARS = 4000;

// Lone surrogates (from mis-decoded bytes), U+FFFD replacement characters and control
// characters carry no meaning and would otherwise become n-grams of their own.
const NOISE = /[\p{Cc}\p{Cs}\uFFFD]+/gu;
const WORD = /[\p{L}\p{N}_]+/gu;
const DIGITS = /\p{Nd}+/gu;

/** Lower-case, NFKC, noise removed, cut to `maxChars`; never throws on any string. */
export function normalizeText(text: unknown, maxChars = DEFAULT_MAX_TEXT_CHARS): string {
  const raw = typeof text === "string" ? text : text == null ? "" : String(text);
  // Cut before the heavier work so a 50 MB text costs no more than a 4 kB one.
  const head = raw.length > maxChars * 2 ? raw.slice(0, maxChars * 2) : raw;
  return head.replace(NOISE, " ").normalize("NFKC").toLowerCase().slice(0, maxChars);
}

/**
 * Words of a normalised text. Runs of digits become "0": ids, counts, amounts and ports vary
 * between failures that are the same problem, and should not keep them apart.
 */
export function words(normalized: string): string[] {
  const out: string[] = [];
  for (const match of normalized.matchAll(WORD)) out.push(match[0].replace(DIGITS, "0"));
  return out;
}
