/**
 * Agreement between two partitions: adjusted Rand index (Hubert and Arabie 1985) and
 * normalised mutual information with the arithmetic-mean normaliser (scikit-learn's
 * default). Labels are any integers; to score a clustering with unclustered points, pass
 * `unclusteredAsSingletons` so each -1 counts as a cluster of its own rather than as one
 * big cluster of everything left over.
 */

export type Labels = ArrayLike<number>;

/** Gives each -1 a fresh label of its own (larger than every label in use). */
export function unclusteredAsSingletons(labels: Labels): Int32Array {
  let next = 0;
  for (let i = 0; i < labels.length; i++) next = Math.max(next, labels[i]! + 1);
  return Int32Array.from({ length: labels.length }, (_, i) =>
    labels[i]! < 0 ? next++ : labels[i]!,
  );
}

interface Contingency {
  n: number;
  cells: Map<string, number>;
  rows: Map<number, number>;
  cols: Map<number, number>;
}

function contingency(truth: Labels, predicted: Labels): Contingency {
  if (truth.length !== predicted.length) {
    throw new RangeError(`label arrays differ in length: ${truth.length} and ${predicted.length}`);
  }
  const cells = new Map<string, number>();
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    const p = predicted[i]!;
    const key = `${t}\u0000${p}`;
    cells.set(key, (cells.get(key) ?? 0) + 1);
    rows.set(t, (rows.get(t) ?? 0) + 1);
    cols.set(p, (cols.get(p) ?? 0) + 1);
  }
  return { n: truth.length, cells, rows, cols };
}

const pairs = (x: number) => (x * (x - 1)) / 2;

export function adjustedRandIndex(truth: Labels, predicted: Labels): number {
  const c = contingency(truth, predicted);
  // scikit-learn's special cases: both trivial in the same way means perfect agreement.
  if ((c.rows.size === c.cols.size && (c.rows.size <= 1 || c.rows.size === c.n)) || c.n === 0) {
    return 1;
  }
  let index = 0;
  for (const v of c.cells.values()) index += pairs(v);
  let a = 0;
  for (const v of c.rows.values()) a += pairs(v);
  let b = 0;
  for (const v of c.cols.values()) b += pairs(v);
  const expected = (a * b) / pairs(c.n);
  const max = (a + b) / 2;
  if (max === expected) return 0;
  return (index - expected) / (max - expected);
}

function entropy(counts: Iterable<number>, n: number): number {
  let h = 0;
  for (const v of counts) if (v > 0) h -= (v / n) * Math.log(v / n);
  return h;
}

export function normalizedMutualInformation(truth: Labels, predicted: Labels): number {
  const c = contingency(truth, predicted);
  if ((c.rows.size === 1 && c.cols.size === 1) || c.n === 0) return 1;
  let mi = 0;
  for (const [key, v] of c.cells) {
    const [t, p] = key.split("\u0000").map(Number) as [number, number];
    mi += (v / c.n) * Math.log((c.n * v) / (c.rows.get(t)! * c.cols.get(p)!));
  }
  if (mi <= 0) return 0;
  const mean = (entropy(c.rows.values(), c.n) + entropy(c.cols.values(), c.n)) / 2;
  return Math.min(1, mi / mean);
}
