import { asciiQuotes } from "../text.js";

/**
 * Refusal phrasings, matched case-insensitively on text with typographic quotes made ASCII.
 * Kept as data so the safety issue can extend it.
 */
export const REFUSAL_PATTERNS: readonly RegExp[] = [
  /\bI(?:'m| am)? ?(?:really |very )?(?:sorry|afraid)\b[^.!?\n]{0,40}\b(?:can(?:'t|not)|won't|will not|unable|not able)\b/i,
  /\bI (?:can(?:'t|not)|won't|will not|am unable to|'m unable to|am not able to|'m not able to) (?:help|assist|provide|comply|fulfill|support|share|answer|create|generate|write|give|do that|do this|engage|participate)/i,
  /\bI must (?:respectfully )?(?:decline|refuse)\b/i,
  /\bI(?:'m| am) not (?:able|allowed|permitted) to (?:help|assist|provide|share|do|answer|give|discuss)\b/i,
  /\b(?:against|violates?|violation of) (?:my|our|the|OpenAI's|Anthropic's) (?:guidelines|policies|policy|usage polic(?:y|ies)|content polic(?:y|ies)|terms)/i,
  /\bas an AI(?: language model| assistant)?,? I (?:can(?:'t|not)|don't|do not|am not able|am unable)/i,
  /\bI(?:'d| would) (?:rather not|prefer not to) (?:help|assist|answer|provide|discuss)/i,
  /\b(?:unable|not able) to (?:help|assist) with (?:that|this|your request)/i,
];

export function findRefusal(
  text: string,
  patterns: readonly RegExp[] = REFUSAL_PATTERNS,
): string | undefined {
  const t = asciiQuotes(text);
  for (const re of patterns) {
    const m = re.exec(t);
    if (m) return m[0];
  }
  return undefined;
}
