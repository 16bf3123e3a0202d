/** What every embedder offers: the offline LSA one here, provider embeddings later. */
export interface Embedder {
  /** Names the model and its settings; vectors with different ids are not comparable. */
  readonly id: string;
  readonly dimensions: number;
  /** One l2-normalised vector per text, in order (an empty text may give a zero vector). */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/**
 * The shape of a provider batch call such as the AI SDK's `embedMany` bound to a model, so a
 * provider embedder can be adapted without this module importing the SDK.
 */
export type EmbedMany = (texts: readonly string[]) => Promise<ReadonlyArray<readonly number[]>>;

/** Wraps a provider's batch embedding call as an Embedder (vectors l2-normalised here). */
export function providerEmbedder(id: string, dimensions: number, embedMany: EmbedMany): Embedder {
  return {
    id,
    dimensions,
    async embed(texts) {
      if (texts.length === 0) return [];
      const raw = await embedMany(texts);
      if (raw.length !== texts.length) {
        throw new Error(`embedder ${id} returned ${raw.length} vectors for ${texts.length} texts`);
      }
      return raw.map((vector) => normalize(Float32Array.from(vector)));
    },
  };
}

/** l2-normalises in place; a zero vector stays zero. */
export function normalize(vector: Float32Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += vector[i]! * vector[i]!;
  if (norm > 0) {
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < vector.length; i++) vector[i]! *= scale;
  }
  return vector;
}
