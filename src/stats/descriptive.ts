/** Mean with a compensated (Neumaier) sum so long score arrays do not drift. */
export function mean(x: ArrayLike<number>): number {
  let sum = 0;
  let c = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const t = sum + v;
    c += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return (sum + c) / x.length;
}

/** Sample variance (n - 1 denominator), two-pass for accuracy. */
export function variance(x: ArrayLike<number>): number {
  const m = mean(x);
  let ss = 0;
  let comp = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - m;
    ss += d * d;
    comp += d;
  }
  return (ss - (comp * comp) / x.length) / (x.length - 1);
}

export function sd(x: ArrayLike<number>): number {
  return Math.sqrt(variance(x));
}

/**
 * True when a sample is constant up to rounding, the case R's t.test refuses with "data are
 * essentially constant" (its test is `stderr < 10 * .Machine$double.eps * max(abs(mean))`).
 */
export function essentiallyConstant(stderr: number, scale: number): boolean {
  return stderr <= 10 * Number.EPSILON * Math.abs(scale) || stderr === 0;
}
