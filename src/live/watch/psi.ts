/**
 * Population stability index between a reference and a current sample, over bins fixed from
 * the reference: Σ (c − r) · ln(c / r) with each share floored at 1e-4 so that an empty bin
 * is finite. The usual reading: < 0.1 stable, 0.1–0.2 moderate, ≥ 0.2 a shift.
 */
export function psi(reference: readonly number[], current: readonly number[]): number {
  if (reference.length === 0 || current.length === 0) return 0;
  const r = normalize(reference);
  const c = normalize(current);
  let total = 0;
  for (let i = 0; i < r.length; i++) {
    const ri = Math.max(r[i] as number, 1e-4);
    const ci = Math.max(c[i] as number, 1e-4);
    total += (ci - ri) * Math.log(ci / ri);
  }
  return total;
}

function normalize(counts: readonly number[]): number[] {
  const sum = counts.reduce((a, b) => a + b, 0);
  return counts.map((x) => (sum > 0 ? x / sum : 0));
}

/** Bin edges at the reference's deciles (deduplicated), for a numeric feature. */
export function quantileEdges(values: readonly number[], bins = 10): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const edge = sorted[Math.floor((i * sorted.length) / bins)];
    if (edge !== undefined && edges.at(-1) !== edge) edges.push(edge);
  }
  return edges;
}

/** Counts per bin: bin i holds values below edges[i] (and at or above edges[i − 1]). */
export function histogram(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) {
    let i = 0;
    while (i < edges.length && v >= (edges[i] as number)) i++;
    counts[i] = (counts[i] as number) + 1;
  }
  return counts;
}

/** PSI of a numeric feature, bins from the reference's deciles. */
export function numericPsi(reference: readonly number[], current: readonly number[]): number {
  const edges = quantileEdges(reference);
  return psi(histogram(reference, edges), histogram(current, edges));
}
