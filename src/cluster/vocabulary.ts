/**
 * Vocabulary from document frequencies, counted one document at a time (streaming: the
 * counts are two typed arrays of hash buckets, whatever the number of texts), then cut by
 * min-df, max-df and a max-features cap, and weighted with smoothed idf.
 */
import { type DocFeatures, docFeatures, type FeatureOptions } from "./features.js";

export interface VocabularyOptions {
  /** A feature must occur in at least this many documents. */
  minDf: number;
  /** A feature in more than this share of documents is dropped. Default 1 (keep all): idf
   *  already discounts common terms, and when one failure makes most of the set, cutting
   *  at 50 % would erase exactly that failure's words. */
  maxDfRatio: number;
  maxWordFeatures: number;
  maxCharFeatures: number;
}

export const DEFAULT_VOCABULARY: VocabularyOptions = {
  minDf: 2,
  maxDfRatio: 1,
  maxWordFeatures: 20_000,
  maxCharFeatures: 30_000,
};

export interface Vocabulary {
  /** Bucket → column, or -1 when the bucket is not in the vocabulary; words then chars. */
  wordColumn: Int32Array;
  charColumn: Int32Array;
  wordCount: number;
  charCount: number;
  /** idf per column (words first, then chars). */
  idf: Float64Array;
  documents: number;
}

export class DocumentFrequencies {
  readonly word: Uint32Array;
  readonly char: Uint32Array;
  documents = 0;

  constructor(readonly features: FeatureOptions) {
    this.word = new Uint32Array(1 << features.hashBits);
    this.char = new Uint32Array(1 << features.hashBits);
  }

  addFeatures(doc: DocFeatures): void {
    this.documents++;
    for (const bucket of doc.word.keys()) this.word[bucket]!++;
    for (const bucket of doc.char.keys()) this.char[bucket]!++;
  }

  add(text: unknown): DocFeatures {
    const doc = docFeatures(text, this.features);
    this.addFeatures(doc);
    return doc;
  }
}

function selectColumns(
  df: Uint32Array,
  minDf: number,
  maxDf: number,
  cap: number,
  firstColumn: number,
  idf: number[],
  documents: number,
): { column: Int32Array; count: number } {
  const kept: number[] = [];
  for (let bucket = 0; bucket < df.length; bucket++) {
    const n = df[bucket]!;
    if (n >= minDf && n <= maxDf) kept.push(bucket);
  }
  // Most frequent first; the bucket id breaks ties so the choice is deterministic.
  kept.sort((a, b) => df[b]! - df[a]! || a - b);
  const chosen = kept.slice(0, cap).sort((a, b) => a - b);
  const column = new Int32Array(df.length).fill(-1);
  chosen.forEach((bucket, i) => {
    column[bucket] = firstColumn + i;
    // scikit-learn's smooth idf: ln((1 + n) / (1 + df)) + 1.
    idf.push(Math.log((1 + documents) / (1 + df[bucket]!)) + 1);
  });
  return { column, count: chosen.length };
}

export function buildVocabulary(
  frequencies: DocumentFrequencies,
  options: VocabularyOptions,
): Vocabulary {
  const n = frequencies.documents;
  // With very few documents min-df would remove everything; a feature seen once still helps.
  const minDf = Math.max(1, Math.min(options.minDf, Math.floor(n / 2)));
  const maxDf = n < 4 ? n : Math.max(minDf, Math.floor(options.maxDfRatio * n));
  const idf: number[] = [];
  const words = selectColumns(frequencies.word, minDf, maxDf, options.maxWordFeatures, 0, idf, n);
  const chars = selectColumns(
    frequencies.char,
    minDf,
    maxDf,
    options.maxCharFeatures,
    words.count,
    idf,
    n,
  );
  return {
    wordColumn: words.column,
    charColumn: chars.column,
    wordCount: words.count,
    charCount: chars.count,
    idf: Float64Array.from(idf),
    documents: n,
  };
}
