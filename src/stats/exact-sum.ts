/**
 * A floating-point sum rounded exactly once (Shewchuk's partials, the algorithm behind Python's
 * `math.fsum`): the result is the exact sum of the inputs rounded to the nearest double, so it
 * does not depend on the order the values arrive in. Run totals are accumulated as attempts
 * finish, in an order concurrency decides; a plain `+=` would let two identical seeded runs
 * differ in their last bits, and a score sitting on its threshold flip between them.
 */
export class ExactSum {
  /** Non-overlapping partial sums, smallest magnitude first. */
  readonly #partials: number[] = [];
  /** Infinities and NaN, which the partials cannot hold, summed plainly. */
  #special = 0;
  #count = 0;

  add(value: number): void {
    this.#count++;
    if (!Number.isFinite(value)) {
      this.#special += value;
      return;
    }
    const partials = this.#partials;
    let x = value;
    let kept = 0;
    for (const partial of partials) {
      let y = partial;
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[kept++] = lo;
      x = hi;
    }
    partials.length = kept;
    partials.push(x);
  }

  get count(): number {
    return this.#count;
  }

  value(): number {
    if (this.#special !== 0 || Number.isNaN(this.#special)) return this.#special;
    const partials = this.#partials;
    let n = partials.length;
    if (n === 0) return 0;
    let hi = partials[--n] as number;
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = partials[--n] as number;
      hi = x + y;
      lo = y - (hi - x);
      if (lo !== 0) break;
    }
    // Round half-way cases the way the remaining partials say (round-half-even would be wrong
    // when they push the exact sum off the half-way point).
    const next = partials[n - 1];
    if (n > 0 && next !== undefined && ((lo < 0 && next < 0) || (lo > 0 && next > 0))) {
      const y = lo * 2;
      const x = hi + y;
      if (y === x - hi) hi = x;
    }
    return hi;
  }
}
