/**
 * Small dense linear algebra for the randomized SVD: row-major Float64 matrices, modified
 * Gram–Schmidt, and the cyclic Jacobi eigen-decomposition of a small symmetric matrix.
 */

/** Orthonormalises the columns of a rows × cols row-major matrix in place (modified
 *  Gram–Schmidt). A column that is (numerically) dependent on earlier ones becomes zero.
 *  The work is done on a column-major copy so every inner loop runs over contiguous memory. */
export function orthonormalizeColumns(m: Float64Array, rows: number, cols: number): void {
  const t = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) t[j * rows + r] = m[r * cols + j]!;
  for (let j = 0; j < cols; j++) {
    const cj = j * rows;
    for (let i = 0; i < j; i++) {
      const ci = i * rows;
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += t[ci + r]! * t[cj + r]!;
      if (dot === 0) continue;
      for (let r = 0; r < rows; r++) t[cj + r]! -= dot * t[ci + r]!;
    }
    let norm = 0;
    for (let r = 0; r < rows; r++) norm += t[cj + r]! ** 2;
    norm = Math.sqrt(norm);
    const scale = norm > 1e-10 ? 1 / norm : 0;
    for (let r = 0; r < rows; r++) t[cj + r]! *= scale;
  }
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) m[r * cols + j] = t[j * rows + r]!;
}

export interface Eigen {
  /** Eigenvalues, largest first. */
  values: Float64Array;
  /** Eigenvectors as columns of an n × n row-major matrix, in the order of `values`. */
  vectors: Float64Array;
}

/** Eigen-decomposition of a symmetric n × n matrix (cyclic Jacobi; n is a few hundred). */
export function symmetricEigen(input: Float64Array, n: number): Eigen {
  const a = Float64Array.from(input);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < n; p++) {
      diag += a[p * n + p]! ** 2;
      for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    }
    if (off <= 1e-22 * diag || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (i, j) => a[j * n + j]! - a[i * n + i]!,
  );
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    values[to] = a[from * n + from]!;
    for (let k = 0; k < n; k++) vectors[k * n + to] = v[k * n + from]!;
  });
  return { values, vectors };
}
