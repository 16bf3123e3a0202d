/**
 * Pairwise distances. Clustering works on a full n × n Float32 matrix: one pass of dot
 * products (n²/2 · d) feeds the core distances, the minimum spanning tree, DBSCAN's
 * neighbourhoods and the agglomerative merges alike. At n = 4,000 that is 64 MB; larger sets
 * are clustered on a sample (see `clusterVectors`).
 */

export interface DistanceMatrix {
  n: number;
  /** Row-major n × n, symmetric, zero diagonal. */
  data: Float32Array;
}

/** Largest n for which a full matrix is built (4 bytes · n²: 256 MB at 8,000). */
export const MAX_MATRIX_POINTS = 8000;

function isZero(v: Float32Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
}

/**
 * Cosine distance 1 − a·b between l2-normalised vectors, clamped at 0. A zero vector (an
 * empty text) is at distance 0 from another zero vector and 1 from everything else.
 */
export function cosineDistanceMatrix(vectors: readonly Float32Array[]): DistanceMatrix {
  const n = vectors.length;
  if (n > MAX_MATRIX_POINTS) {
    throw new RangeError(`a distance matrix of ${n} points is too large; cluster a sample`);
  }
  const data = new Float32Array(n * n);
  const zero = vectors.map(isZero);
  for (let i = 0; i < n; i++) {
    const a = vectors[i]!;
    const d = a.length;
    for (let j = i + 1; j < n; j++) {
      let value: number;
      if (zero[i] || zero[j]) value = zero[i] && zero[j] ? 0 : 1;
      else {
        const b = vectors[j]!;
        let dot = 0;
        for (let k = 0; k < d; k++) dot += a[k]! * b[k]!;
        value = Math.max(0, 1 - dot);
      }
      data[i * n + j] = value;
      data[j * n + i] = value;
    }
  }
  return { n, data };
}

/** Euclidean distances between points given as coordinate arrays (tests, small data). */
export function euclideanDistanceMatrix(points: ReadonlyArray<readonly number[]>): DistanceMatrix {
  const n = points.length;
  const data = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = points[i]!;
      const b = points[j]!;
      let s = 0;
      for (let k = 0; k < a.length; k++) s += (a[k]! - b[k]!) ** 2;
      data[i * n + j] = Math.sqrt(s);
      data[j * n + i] = Math.sqrt(s);
    }
  }
  return { n, data };
}
