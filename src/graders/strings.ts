/** Edit distances and overlap measures used by the lexical graders. Pure, no allocation per char. */

/**
 * Levenshtein distance (insert, delete, substitute each cost 1) over UTF-16 code units.
 * Bit-parallel (Myers 1999, in the block form of section 4): the shorter string is the
 * pattern, packed 32 rows per machine word, so a 40-char answer against a 1,000-char output
 * costs 2 × 1,000 word steps instead of 40,000 DP cells. `levenshteinDp` is the plain DP,
 * kept as the reference the tests compare against.
 */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length > b.length) [a, b] = [b, a];
  const n = a.length;
  if (n === 0) return b.length;
  const blocks = (n + 31) >>> 5;
  // Per pattern character, one bit per row where it occurs.
  const peq = new Map<number, Int32Array>();
  for (let i = 0; i < n; i++) {
    const code = a.charCodeAt(i);
    let row = peq.get(code);
    if (row === undefined) {
      row = new Int32Array(blocks);
      peq.set(code, row);
    }
    row[i >>> 5]! |= 1 << (i & 31);
  }
  const pv = new Int32Array(blocks).fill(-1);
  const mv = new Int32Array(blocks);
  const lastHigh = 1 << ((n - 1) & 31);
  const none = new Int32Array(blocks);
  let score = n;
  for (let j = 0; j < b.length; j++) {
    const eqRow = peq.get(b.charCodeAt(j)) ?? none;
    // The top boundary row D[0][j] = j grows by one per column: carry-in +1.
    let hin = 1;
    for (let k = 0; k < blocks; k++) {
      const high = k === blocks - 1 ? lastHigh : 0x80000000 | 0;
      const p = pv[k]!;
      const m = mv[k]!;
      let eq = eqRow[k]!;
      const xv = eq | m;
      if (hin < 0) eq |= 1;
      const xh = (((eq & p) + p) ^ p) | eq;
      let ph = m | ~(xh | p);
      let mh = p & xh;
      let hout = 0;
      if (ph & high) hout = 1;
      else if (mh & high) hout = -1;
      ph <<= 1;
      mh <<= 1;
      if (hin < 0) mh |= 1;
      else if (hin > 0) ph |= 1;
      pv[k] = mh | ~(xv | ph);
      mv[k] = ph & xv;
      hin = hout;
    }
    score += hin;
  }
  return score;
}

/** The textbook O(n·m) dynamic program; the reference for `levenshtein`. */
export function levenshteinDp(a: string, b: string): number {
  if (a.length < b.length) [a, b] = [b, a];
  const row = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) row[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + cost);
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
