/** Average ranks (1-based, ties get the mean of their positions) and the tie term sum(t^3 - t). */
export function rankWithTies(values: Float64Array): {
  ranks: Float64Array;
  tieTerm: number;
  hasTies: boolean;
} {
  const n = values.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(n);
  let tieTerm = 0;
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && values[order[j]!] === values[order[i]!]) j++;
    const avg = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) ranks[order[k]!] = avg;
    const t = j - i;
    if (t > 1) tieTerm += t * t * t - t;
    i = j;
  }
  return { ranks, tieTerm, hasTies: tieTerm > 0 };
}
