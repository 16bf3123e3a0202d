/**
 * Hashed n-gram features: word n-grams and character n-grams within word boundaries (the
 * "char_wb" analyser). Features are hashed into a fixed number of buckets, so counting
 * document frequencies needs one typed array instead of a dictionary of strings, whatever
 * the number of texts (the vocabulary is then the buckets that pass min-df / max-features).
 */
import { normalizeText, words } from "./text.js";

export interface FeatureOptions {
  /** Word n-gram sizes, inclusive, e.g. [1, 2]. [0, 0] turns word features off. */
  wordNgrams: readonly [number, number];
  /** Character n-gram sizes within padded words, inclusive, e.g. [3, 5]. [0, 0] = off. */
  charNgrams: readonly [number, number];
  /** log2 of the number of hash buckets for each of the two blocks. */
  hashBits: number;
  maxTextChars: number;
}

export const DEFAULT_FEATURES: FeatureOptions = {
  wordNgrams: [1, 2],
  charNgrams: [2, 4],
  hashBits: 20,
  maxTextChars: 4000,
};

/** A document's features: bucket ids and their counts, words and characters kept apart. */
export interface DocFeatures {
  word: Map<number, number>;
  char: Map<number, number>;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function mix(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

function hashWord(word: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

function add(map: Map<number, number>, key: number): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

export function docFeatures(text: unknown, options: FeatureOptions): DocFeatures {
  const mask = (1 << options.hashBits) - 1;
  const tokens = words(normalizeText(text, options.maxTextChars));
  const word = new Map<number, number>();
  const char = new Map<number, number>();
  const [wMin, wMax] = options.wordNgrams;
  if (wMax > 0) {
    const hashes = tokens.map(hashWord);
    for (let i = 0; i < hashes.length; i++) {
      let h = 0;
      for (let n = 1; n <= wMax && i + n <= hashes.length; n++) {
        // Order-sensitive combination of the word hashes, salted by n.
        h = Math.imul(h ^ hashes[i + n - 1]!, FNV_PRIME) + n;
        if (n >= wMin) add(word, mix(h) & mask);
      }
    }
  }
  const [cMin, cMax] = options.charNgrams;
  if (cMax > 0) {
    for (const token of tokens) {
      const padded = ` ${token} `;
      // A word shorter than the smallest n-gram still counts once, as itself.
      if (padded.length < cMin) {
        add(char, mix(hashWord(padded) ^ 0x5bd1e995) & mask);
        continue;
      }
      for (let i = 0; i + cMin <= padded.length; i++) {
        let h = FNV_OFFSET ^ 0x5bd1e995;
        for (let n = 1; n <= cMax && i + n <= padded.length; n++) {
          h = Math.imul(h ^ padded.charCodeAt(i + n - 1), FNV_PRIME);
          if (n >= cMin) add(char, mix(h + n) & mask);
        }
      }
    }
  }
  return { word, char };
}
