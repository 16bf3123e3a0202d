import { createHash } from "node:crypto";
import type { RatchetConfig } from "../config/index.js";
import { createEmbeddingResolver } from "../providers/index.js";
import type { Store } from "../store/index.js";
import { normalize, providerEmbedder } from "./embedder.js";
import { fitLsa } from "./lsa.js";

export interface EmbeddedTexts {
  vectors: Float32Array[];
  /** Names the embedder: vectors of different ids are not comparable. */
  embedder: string;
  dimensions: number;
}

export interface EmbedOptions {
  store: Store;
  config: RatchetConfig;
  env?: NodeJS.ProcessEnv;
  seed?: number;
}

/** Provider vectors are kept this long in the store's cache: a text's embedding never changes. */
const CACHE_TTL_MS = 90 * 24 * 3600 * 1000;
const BATCH = 96;

/**
 * The texts as vectors: with `optimization.clustering.embedding_model`, the provider's
 * embeddings through the AI SDK, each cached in the store by model and text, so a rebuild
 * pays only for new failures; without it, the offline lexical embedder fitted on these texts.
 */
export async function embedTexts(texts: string[], options: EmbedOptions): Promise<EmbeddedTexts> {
  const spec = options.config.optimization.clustering.embedding_model;
  if (spec === undefined) {
    if (texts.length === 0) return { vectors: [], embedder: "none", dimensions: 0 };
    const model = fitLsa(texts, { seed: options.seed ?? 0 });
    return { vectors: model.embedSync(texts), embedder: model.id, dimensions: model.dimensions };
  }
  const model = createEmbeddingResolver(options.config.providers, options.env ?? process.env)(spec);
  // Imported on first use: most commands embed nothing.
  const { embedMany } = await import("ai");
  const embedder = providerEmbedder(spec, 0, async (batch) => {
    const { embeddings } = await embedMany({ model, values: [...batch] });
    return embeddings;
  });
  const key = (text: string) =>
    `embedding:${spec}:${createHash("sha256").update(text).digest("hex")}`;
  const vectors: Array<Float32Array | undefined> = [];
  const missing: number[] = [];
  for (const [i, text] of texts.entries()) {
    const hit = await options.store.getCached(key(text));
    if (hit && Array.isArray(hit.value))
      vectors[i] = normalize(Float32Array.from(hit.value as number[]));
    else missing.push(i);
  }
  for (let start = 0; start < missing.length; start += BATCH) {
    const indices = missing.slice(start, start + BATCH);
    const fresh = await embedder.embed(indices.map((i) => texts[i] ?? ""));
    for (const [j, index] of indices.entries()) {
      const vector = fresh[j] as Float32Array;
      vectors[index] = vector;
      await options.store.putCached(key(texts[index] ?? ""), Array.from(vector), CACHE_TTL_MS);
    }
  }
  const done = vectors.map((v) => v ?? new Float32Array(0));
  return { vectors: done, embedder: spec, dimensions: done[0]?.length ?? 0 };
}

/**
 * Texts with several views each (`failureViews`): every view is embedded in one space and a
 * text's vector is the normalised sum of its views' vectors, so each view weighs the same
 * whatever its length. A view that embeds to nothing (no known n-gram) adds nothing.
 */
export async function embedViews(
  views: readonly (readonly string[])[],
  options: EmbedOptions,
): Promise<EmbeddedTexts> {
  const flat = views.flat();
  const embedded = await embedTexts(flat, options);
  let at = 0;
  const vectors = views.map((list) => {
    if (list.length === 1) return embedded.vectors[at++] ?? new Float32Array(0);
    const sum = new Float32Array(embedded.dimensions);
    for (let v = 0; v < list.length; v++) {
      const vector = embedded.vectors[at++];
      if (vector) for (let k = 0; k < sum.length; k++) sum[k]! += vector[k] ?? 0;
    }
    return normalize(sum);
  });
  return { ...embedded, vectors };
}
