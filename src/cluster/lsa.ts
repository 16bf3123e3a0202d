/**
 * The offline embedder: hashed word and character n-gram TF-IDF reduced by a truncated SVD
 * (latent semantic analysis), l2-normalised. No keys, no downloads. Fitting reads the texts
 * once (document frequencies are counted as they stream past) and keeps a seeded reservoir
 * sample of at most `fitSample` texts for the SVD, so memory is bounded by the sample and the
 * hash tables, not by the number of texts. The fitted model embeds new texts in the same
 * space, which incremental clustering needs.
 */
import { createRng, hash32, type Rng } from "../core/index.js";
import { type Embedder, normalize } from "./embedder.js";
import { DEFAULT_FEATURES, docFeatures, type FeatureOptions } from "./features.js";
import { truncatedSvd } from "./svd.js";
import { type BlockWeights, tfidfRow } from "./tfidf.js";
import {
  buildVocabulary,
  DEFAULT_VOCABULARY,
  DocumentFrequencies,
  type Vocabulary,
  type VocabularyOptions,
} from "./vocabulary.js";

export interface LsaOptions {
  features: FeatureOptions;
  vocabulary: VocabularyOptions;
  weights: BlockWeights;
  /** Target dimensions (fewer when the data has lower rank). */
  dimensions: number;
  oversample: number;
  powerIterations: number;
  /** At most this many texts (a seeded reservoir sample) are used to fit the SVD. */
  fitSample: number;
  seed: number;
}

export const DEFAULT_LSA: LsaOptions = {
  features: DEFAULT_FEATURES,
  vocabulary: DEFAULT_VOCABULARY,
  weights: { word: 1, char: 2 },
  dimensions: 100,
  oversample: 10,
  powerIterations: 1,
  fitSample: 4000,
  seed: 0,
};

export interface LsaModel extends Embedder {
  readonly options: LsaOptions;
  readonly vocabulary: Vocabulary;
  /** Same as `embed`, without the promise (the work is synchronous CPU work). */
  embedSync(texts: Iterable<string>): Float32Array[];
}

export function lsaOptions(overrides: Partial<LsaOptions> = {}): LsaOptions {
  return {
    ...DEFAULT_LSA,
    ...overrides,
    features: { ...DEFAULT_LSA.features, ...overrides.features },
    vocabulary: { ...DEFAULT_LSA.vocabulary, ...overrides.vocabulary },
    weights: { ...DEFAULT_LSA.weights, ...overrides.weights },
  };
}

function reservoir(rng: Rng, capacity: number) {
  const kept: string[] = [];
  let seen = 0;
  return {
    offer(text: string) {
      seen++;
      if (kept.length < capacity) kept.push(text);
      else {
        const slot = rng.int(seen);
        if (slot < capacity) kept[slot] = text;
      }
    },
    kept,
  };
}

/** Fits the embedder on `texts` (any iterable, read once). */
export function fitLsa(texts: Iterable<string>, overrides: Partial<LsaOptions> = {}): LsaModel {
  const options = lsaOptions(overrides);
  const rng = createRng(hash32(`lsa\u0000${options.seed}`));
  const frequencies = new DocumentFrequencies(options.features);
  const sample = reservoir(rng, Math.max(1, options.fitSample));
  for (const text of texts) {
    frequencies.add(text);
    sample.offer(text);
  }
  const vocabulary = buildVocabulary(frequencies, options.vocabulary);
  const columns = vocabulary.wordCount + vocabulary.charCount;
  const rows = sample.kept.map((text) =>
    tfidfRow(docFeatures(text, options.features), vocabulary, options.weights),
  );
  const svd =
    columns > 0 && rows.length > 0
      ? truncatedSvd(
          rows,
          columns,
          {
            components: options.dimensions,
            oversample: options.oversample,
            powerIterations: options.powerIterations,
          },
          rng,
        )
      : { components: new Float32Array(0), k: 0, singularValues: new Float64Array(0) };
  const k = svd.k;
  const { components } = svd;
  const scratch = new Float64Array(k);
  const embedOne = (text: string): Float32Array => {
    const row = tfidfRow(docFeatures(text, options.features), vocabulary, options.weights);
    // Accumulate in doubles (a scratch row reused across texts), store as floats once.
    scratch.fill(0);
    const { indices, values } = row;
    for (let e = 0; e < indices.length; e++) {
      const v = values[e]!;
      const base = indices[e]! * k;
      for (let i = 0; i < k; i++) scratch[i]! += v * components[base + i]!;
    }
    return normalize(Float32Array.from(scratch));
  };
  const embedSync = (batch: Iterable<string>): Float32Array[] => Array.from(batch, embedOne);
  const f = options.features;
  const id = [
    "lsa-v1",
    `w${f.wordNgrams.join("-")}`,
    `c${f.charNgrams.join("-")}`,
    `d${k}`,
    `s${options.seed}`,
    `n${frequencies.documents}`,
    `v${columns}`,
  ].join(":");
  return {
    id,
    dimensions: k,
    options,
    vocabulary,
    embedSync,
    embed: async (batch) => embedSync(batch),
  };
}

/**
 * An Embedder that fits itself on the first batch it is given and embeds later batches in
 * that batch's space (`model` is the fitted LSA model once there is one).
 */
export function offlineEmbedder(overrides: Partial<LsaOptions> = {}): Embedder & {
  readonly model: LsaModel | undefined;
} {
  let model: LsaModel | undefined;
  const options = lsaOptions(overrides);
  return {
    get id() {
      return model?.id ?? `lsa-v1:unfitted:d${options.dimensions}:s${options.seed}`;
    },
    get dimensions() {
      return model?.dimensions ?? options.dimensions;
    },
    get model() {
      return model;
    },
    async embed(texts) {
      model ??= fitLsa(texts, options);
      return model.embedSync(texts);
    },
  };
}
