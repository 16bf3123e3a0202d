/**
 * A document as a sparse TF-IDF row: sublinear tf (1 + ln tf), idf, each block (words,
 * characters) l2-normalised and weighted, then the whole row l2-normalised.
 */
import type { DocFeatures } from "./features.js";
import type { Vocabulary } from "./vocabulary.js";

export interface SparseRow {
  indices: Int32Array;
  values: Float32Array;
}

export interface BlockWeights {
  word: number;
  char: number;
}

function block(
  counts: Map<number, number>,
  columnOf: Int32Array,
  idf: Float64Array,
  weight: number,
  indices: number[],
  values: number[],
): void {
  const start = values.length;
  let norm = 0;
  for (const [bucket, count] of counts) {
    const column = columnOf[bucket]!;
    if (column < 0) continue;
    const value = (1 + Math.log(count)) * idf[column]!;
    indices.push(column);
    values.push(value);
    norm += value * value;
  }
  if (norm === 0) return;
  const scale = weight / Math.sqrt(norm);
  for (let i = start; i < values.length; i++) values[i]! *= scale;
}

export function tfidfRow(
  doc: DocFeatures,
  vocabulary: Vocabulary,
  weights: BlockWeights,
): SparseRow {
  const indices: number[] = [];
  const values: number[] = [];
  block(doc.word, vocabulary.wordColumn, vocabulary.idf, weights.word, indices, values);
  block(doc.char, vocabulary.charColumn, vocabulary.idf, weights.char, indices, values);
  let norm = 0;
  for (const v of values) norm += v * v;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  const scaled = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) scaled[i] = values[i]! * scale;
  return { indices: Int32Array.from(indices), values: scaled };
}
