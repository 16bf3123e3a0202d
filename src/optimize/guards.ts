/**
 * Guards a candidate must pass before it costs a single rollout: the prompt's token budget
 * (pitfall 3) and the anti-overfitting check (reflection copies training text into the prompt).
 */
import { getTokenizer } from "../providers/index.js";
import { normalizeInstruction } from "./instructions.js";

export async function promptTokens(text: string): Promise<number> {
  return (await getTokenizer("o200k_base")).count(text);
}

const words = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, " ")
    .split(/\s+/)
    .filter(Boolean);

/** Shingles of this many words shared with a training text count as copying. */
export const COPY_SHINGLE_WORDS = 6;

export interface CopySource {
  caseId: string;
  /** The case's input and its expected output. */
  texts: string[];
}

/**
 * Why the instruction copies training data, or undefined when it does not: a whole case input
 * or expected output inside it, a run of six or more words from one, or a case-specific token
 * (a word with a digit, like an order id or an amount) that only training text contains.
 */
export function copiedFrom(
  instruction: string,
  sources: readonly CopySource[],
): string | undefined {
  const text = normalizeInstruction(instruction);
  const own = words(instruction);
  const shingles = new Set<string>();
  for (let i = 0; i + COPY_SHINGLE_WORDS <= own.length; i++)
    shingles.add(own.slice(i, i + COPY_SHINGLE_WORDS).join(" "));
  const specific = own.filter((w) => /\d/.test(w) && w.length >= 3);
  for (const source of sources) {
    for (const raw of source.texts) {
      const normalized = normalizeInstruction(raw);
      if (normalized.length >= 16 && text.includes(normalized))
        return `it contains case ${source.caseId}'s text verbatim`;
      const theirs = words(raw);
      for (let i = 0; i + COPY_SHINGLE_WORDS <= theirs.length; i++) {
        const shingle = theirs.slice(i, i + COPY_SHINGLE_WORDS).join(" ");
        if (shingles.has(shingle)) return `it copies "${shingle}" from case ${source.caseId}`;
      }
      const token = specific.find((w) => theirs.includes(w));
      if (token !== undefined) return `it names "${token}", a value from case ${source.caseId}`;
    }
  }
  return undefined;
}
