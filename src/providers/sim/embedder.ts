import type {
  EmbeddingModelV3,
  EmbeddingModelV3CallOptions,
  EmbeddingModelV3Result,
} from "@ai-sdk/provider";
import { hash32 } from "../../core/index.js";
import { recordCall } from "../call-stats.js";

/** Length of every `sim:embed` vector unless a caller asks for another. */
export const SIM_EMBEDDING_DIMENSIONS = 512;

/** Model ids under `sim:` that name the embedder rather than a chat profile. */
export const SIM_EMBEDDER_IDS: ReadonlySet<string> = new Set(["embed", "embedder"]);

export interface SimEmbedderOptions {
  /** Vector length (a power of two is not required); default 512. */
  dimensions?: number;
  /** Provider name used in call statistics (a configured sim provider may be renamed). */
  providerName?: string;
  modelId?: string;
}

// Function words carry little meaning; keeping them at a low weight (rather than dropping
// them) lets a two-word answer like "not yet" still embed to something.
const STOPWORDS = new Set(
  (
    "a an the and or but if of to in on at by for with from as is are was were be been being " +
    "it its this that these those i you he she we they me him her us them my your our their " +
    "do does did have has had will would can could should may might must shall so than then " +
    "there here what which who whom whose when where why how all any each some no not only " +
    "very just also too into over under about up down out off again further once"
  ).split(" "),
);

/** Relative weight of each feature family; families are normalized before mixing. */
const FAMILY_WEIGHTS = { word: 0.6, bigram: 0.25, char: 0.45 } as const;
type Family = keyof typeof FAMILY_WEIGHTS;

const WORD = /[\p{L}\p{N}]+/gu;

/** Lower case, diacritics removed, compatibility forms folded ("ﬁ" → "fi"). */
function fold(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();
}

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Feature counts per family: words, adjacent word pairs, and character 3- and 4-grams. */
function features(text: string): Record<Family, Map<string, number>> {
  const out: Record<Family, Map<string, number>> = {
    word: new Map(),
    bigram: new Map(),
    char: new Map(),
  };
  const words = fold(text).match(WORD) ?? [];
  let previous: string | undefined;
  for (const w of words) {
    count(out.word, w);
    if (previous !== undefined) count(out.bigram, `${previous} ${w}`);
    previous = w;
    if (STOPWORDS.has(w)) continue;
    // Character n-grams of the padded word give related forms ("refund", "refunded")
    // and typos most of their features in common.
    const padded = `<${w}>`;
    for (const n of [3, 4]) {
      for (let i = 0; i + n <= padded.length; i++) count(out.char, padded.slice(i, i + n));
    }
  }
  return out;
}

/**
 * A deterministic bag-of-features embedding: hashed word, word-pair and character n-gram
 * counts with sublinear weighting (1 + ln tf), a random sign per bucket to keep hash
 * collisions unbiased, each family L2-normalized and mixed, then the whole vector
 * L2-normalized. Empty or symbol-only text gives the zero vector (cosine 0 to anything).
 * It captures shared words and word forms, not meaning: paraphrases with no words in
 * common score low. Use a provider embedding model for semantic similarity.
 */
export function simEmbedding(text: string, dimensions = SIM_EMBEDDING_DIMENSIONS): number[] {
  if (!Number.isInteger(dimensions) || dimensions < 8) {
    throw new RangeError(`embedding dimensions must be an integer >= 8, got ${dimensions}`);
  }
  const vector = new Float64Array(dimensions);
  const families = features(text);
  for (const family of Object.keys(FAMILY_WEIGHTS) as Family[]) {
    const counts = families[family];
    if (counts.size === 0) continue;
    const part = new Float64Array(dimensions);
    for (const [feature, tf] of counts) {
      let weight = 1 + Math.log(tf);
      if (family === "word" && STOPWORDS.has(feature)) weight *= 0.25;
      const h = hash32(`${family}:${feature}`);
      part[h % dimensions]! += h & 0x80000000 ? -weight : weight;
    }
    let norm = 0;
    for (const v of part) norm += v * v;
    if (norm === 0) continue;
    const scale = FAMILY_WEIGHTS[family] / Math.sqrt(norm);
    for (let i = 0; i < dimensions; i++) vector[i]! += part[i]! * scale;
  }
  let norm = 0;
  for (const v of vector) norm += v * v;
  const out = new Array<number>(dimensions);
  const scale = norm === 0 ? 0 : 1 / Math.sqrt(norm);
  for (let i = 0; i < dimensions; i++) out[i] = vector[i]! * scale;
  return out;
}

/** The offline embedder as an AI SDK embedding model (`embed` / `embedMany` accept it). */
export class SimEmbeddingModel implements EmbeddingModelV3 {
  readonly specificationVersion = "v3" as const;
  readonly provider = "sim";
  readonly modelId: string;
  readonly maxEmbeddingsPerCall = 2048;
  readonly supportsParallelCalls = true;
  readonly dimensions: number;
  private readonly providerName: string;

  constructor(options: SimEmbedderOptions = {}) {
    this.dimensions = options.dimensions ?? SIM_EMBEDDING_DIMENSIONS;
    // Validates the dimension once, so a bad value fails at construction, not mid-run.
    simEmbedding("", this.dimensions);
    this.modelId = options.modelId ?? "embed";
    this.providerName = options.providerName ?? "sim";
  }

  async doEmbed(options: EmbeddingModelV3CallOptions): Promise<EmbeddingModelV3Result> {
    if (options.abortSignal?.aborted) {
      throw options.abortSignal.reason ?? new DOMException("aborted", "AbortError");
    }
    recordCall(this.providerName, "sim");
    let tokens = 0;
    const embeddings = options.values.map((value) => {
      tokens += (value.match(WORD) ?? []).length;
      return simEmbedding(value, this.dimensions);
    });
    return { embeddings, usage: { tokens }, warnings: [] };
  }
}

export function createSimEmbedder(options: SimEmbedderOptions = {}): SimEmbeddingModel {
  return new SimEmbeddingModel(options);
}
