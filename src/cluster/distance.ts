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
  const d = n === 0 ? 0 : vectors[0]!.length;
  // One flat Float64 copy: contiguous rows and no float32 → float64 conversions in the loop.
  const flat = new Float64Array(n * d);
  vectors.forEach((v, i) => {
    if (v.length !== d) throw new RangeError(`vector ${i} has ${v.length} dimensions, not ${d}`);
    flat.set(v, i * d);
  });
  const zero = vectors.map(isZero);
  const data = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = i * d;
    for (let j = i + 1; j < n; j++) {
      let value: number;
      if (zero[i] || zero[j]) value = zero[i] && zero[j] ? 0 : 1;
      else {
        const b = j * d;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        let k = 0;
        for (; k + 3 < d; k += 4) {
          s0 += flat[a + k]! * flat[b + k]!;
          s1 += flat[a + k + 1]! * flat[b + k + 1]!;
          s2 += flat[a + k + 2]! * flat[b + k + 2]!;
          s3 += flat[a + k + 3]! * flat[b + k + 3]!;
        }
        for (; k < d; k++) s0 += flat[a + k]! * flat[b + k]!;
        value = Math.max(0, 1 - (s0 + s1 + s2 + s3));
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
