/**
 * "Did you mean" for identifiers users type: config keys, grader types, provider names.
 * One implementation so that every error suggests the same way.
 */

/**
 * Optimal-string-alignment distance (Damerau–Levenshtein restricted to adjacent
 * transpositions): typos in identifiers are mostly swaps, drops and doublings.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, before[j - 2]! + 1);
      }
      cur[j] = best;
    }
    before = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** Case, `_` versus `-`, and word order ("called-tool") are near misses, not typos. */
function normalize(word: string): string {
  return word.toLowerCase().replaceAll("_", "-");
}

function distance(word: string, candidate: string): number {
  const w = normalize(word);
  const c = normalize(candidate);
  if (w === c) return 0;
  if (w.includes("-") && w.split("-").sort().join("-") === c.split("-").sort().join("-")) return 1;
  return editDistance(w, c);
}

/** The closest candidate, if it is close enough to be a plausible typo of `word`. */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  // Short words tolerate fewer edits, or every 3-letter key would "suggest" every other.
  const limit = Math.max(1, Math.min(3, Math.round(word.length / 3)));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = distance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** ` (did you mean \`x\`?)`, or "" when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const hit = closestMatch(word, candidates);
  return hit === undefined ? "" : ` (did you mean \`${hit}\`?)`;
}
