/** Edit distances and overlap measures used by the lexical graders. Pure, no allocation per char. */

/** Levenshtein distance (insert, delete, substitute each cost 1) over UTF-16 code units. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length < b.length) [a, b] = [b, a];
  if (b.length === 0) return a.length;
  // One row plus a diagonal cell: O(min(n, m)) memory.
  const row = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) row[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      const best = Math.min(above + 1, row[j - 1]! + 1, diagonal + cost);
      row[j] = best;
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** 1 − distance / longer length; two empty strings are identical (1). */
export function levenshteinSimilarity(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  return longer === 0 ? 1 : 1 - levenshtein(a, b) / longer;
}

const TOKEN = /[\p{L}\p{N}]+/gu;

/** Lower-cased runs of letters and digits; punctuation and whitespace separate tokens. */
export function tokens(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

/** Length of the longest common subsequence of two token lists. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  if (a.length < b.length) [a, b] = [b, a];
  const row = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = 0;
    const x = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = x === b[j - 1] ? diagonal + 1 : Math.max(above, row[j - 1]!);
      diagonal = above;
    }
  }
  return row[b.length]!;
}

export interface RougeL {
  precision: number;
  recall: number;
  f: number;
  lcs: number;
}

/**
 * Sentence-level ROUGE-L (Lin, 2004): R = LCS/|reference|, P = LCS/|candidate|,
 * F = (1 + β²)·R·P / (R + β²·P). β = 1 gives the F1 most toolkits report.
 */
export function rougeL(
  candidate: readonly string[],
  reference: readonly string[],
  beta = 1,
): RougeL {
  const lcs = lcsLength(candidate, reference);
  if (lcs === 0) return { precision: 0, recall: 0, f: 0, lcs };
  const precision = lcs / candidate.length;
  const recall = lcs / reference.length;
  const b2 = beta * beta;
  return { precision, recall, f: ((1 + b2) * recall * precision) / (recall + b2 * precision), lcs };
}

/**
 * A pattern written by a user for names: `/regex/flags`, a glob with `*` and `?`, or an
 * exact string. Returns a predicate; throws with a readable message on a bad regex.
 */
export function namePattern(pattern: string): (name: string) => boolean {
  const re = /^\/(.+)\/([a-z]*)$/s.exec(pattern);
  if (re) {
    const compiled = new RegExp(re[1]!, re[2]!.replace(/[gy]/g, ""));
    return (name) => compiled.test(name);
  }
  if (/[*?]/.test(pattern)) {
    const source = pattern
      .split("")
      .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
      .join("");
    const compiled = new RegExp(`^${source}$`);
    return (name) => compiled.test(name);
  }
  return (name) => name === pattern;
}
