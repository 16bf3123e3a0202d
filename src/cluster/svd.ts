/**
 * Truncated SVD of a sparse matrix by the randomized range finder (Halko, Martinsson and
 * Tropp 2011, algorithms 4.4 and 5.1): a seeded Gaussian test matrix, a few power
 * iterations with re-orthonormalisation, then the exact SVD of the small projected matrix
 * (through the eigen-decomposition of its l × l Gram matrix). Only the right singular
 * vectors are kept: they map any TF-IDF row, seen at fit time or not, into the same space.
 */
import type { Rng } from "../core/index.js";
import { orthonormalizeColumns, symmetricEigen } from "./linalg.js";
import type { SparseRow } from "./tfidf.js";

export interface SvdOptions {
  components: number;
  oversample: number;
  powerIterations: number;
}

export interface TruncatedSvd {
  /** Right singular vectors, row-major columns × k (the row of a feature is contiguous). */
  components: Float32Array;
  /** Number of components actually found (≤ requested, ≤ rank). */
  k: number;
  singularValues: Float64Array;
}

function gaussian(rng: Rng): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Y (rows × l) = A (rows × columns) · M (columns × l). */
function times(rows: readonly SparseRow[], m: Float64Array, l: number): Float64Array {
  const y = new Float64Array(rows.length * l);
  for (let r = 0; r < rows.length; r++) {
    const { indices, values } = rows[r]!;
    const base = r * l;
    for (let e = 0; e < indices.length; e++) {
      const v = values[e]!;
      const from = indices[e]! * l;
      for (let j = 0; j < l; j++) y[base + j]! += v * m[from + j]!;
    }
  }
  return y;
}

/** Z (columns × l) = Aᵀ · Q (rows × l). */
function transposeTimes(
  rows: readonly SparseRow[],
  columns: number,
  q: Float64Array,
  l: number,
): Float64Array {
  const z = new Float64Array(columns * l);
  for (let r = 0; r < rows.length; r++) {
    const { indices, values } = rows[r]!;
    const base = r * l;
    for (let e = 0; e < indices.length; e++) {
      const v = values[e]!;
      const to = indices[e]! * l;
      for (let j = 0; j < l; j++) z[to + j]! += v * q[base + j]!;
    }
  }
  return z;
}

export function truncatedSvd(
  rows: readonly SparseRow[],
  columns: number,
  options: SvdOptions,
  rng: Rng,
): TruncatedSvd {
  const l = Math.max(1, Math.min(options.components + options.oversample, columns, rows.length));
  const omega = new Float64Array(columns * l);
  for (let i = 0; i < omega.length; i++) omega[i] = gaussian(rng);
  let q = times(rows, omega, l);
  orthonormalizeColumns(q, rows.length, l);
  // Power iterations re-orthonormalise only the row side (rows ≪ columns here); with two or
  // three iterations the column side does not lose enough precision to matter.
  for (let it = 0; it < options.powerIterations; it++) {
    q = times(rows, transposeTimes(rows, columns, q, l), l);
    orthonormalizeColumns(q, rows.length, l);
  }
  // B = Qᵀ A is l × columns; we hold its transpose Z = Aᵀ Q (columns × l).
  const z = transposeTimes(rows, columns, q, l);
  const gram = new Float64Array(l * l);
  for (let c = 0; c < columns; c++) {
    const base = c * l;
    for (let i = 0; i < l; i++) {
      const zi = z[base + i]!;
      if (zi === 0) continue;
      for (let j = i; j < l; j++) gram[i * l + j]! += zi * z[base + j]!;
    }
  }
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) gram[i * l + j] = gram[j * l + i]!;
  const { values, vectors } = symmetricEigen(gram, l);
  let k = 0;
  const wanted = Math.min(options.components, l);
  while (k < wanted && values[k]! > 1e-12 * Math.max(values[0]!, 1e-300)) k++;
  const singularValues = new Float64Array(k);
  for (let i = 0; i < k; i++) singularValues[i] = Math.sqrt(values[i]!);
  // Right singular vector i = Z · u_i / σ_i.
  const components = new Float32Array(columns * k);
  const acc = new Float64Array(k);
  for (let c = 0; c < columns; c++) {
    const base = c * l;
    acc.fill(0);
    for (let j = 0; j < l; j++) {
      const zj = z[base + j]!;
      if (zj === 0) continue;
      const row = j * l;
      for (let i = 0; i < k; i++) acc[i]! += zj * vectors[row + i]!;
    }
    for (let i = 0; i < k; i++) components[c * k + i] = acc[i]! / singularValues[i]!;
  }
  return { components, k, singularValues };
}
