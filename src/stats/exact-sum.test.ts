import { describe, expect, it } from "vitest";
import { ExactSum } from "./index.js";

function sum(values: number[]): number {
  const total = new ExactSum();
  for (const value of values) total.add(value);
  return total.value();
}

/** A seeded shuffle (mulberry32), so the permutations are the same on every run. */
function shuffled(values: number[], seed: number): number[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as number, out[i] as number];
  }
  return out;
}

describe("ExactSum", () => {
  // Cases whose exact sums are known in closed form (the plain left-to-right sum is wrong).
  it.each([
    { values: Array(10).fill(0.1), exact: 1 },
    { values: [1e100, 1, -1e100], exact: 1 },
    { values: [1, 1e-16, 1e-16], exact: 1.0000000000000002 },
    { values: [2 ** 53, 1, 1], exact: 2 ** 53 + 2 },
    // The doubles nearest 0.3, 0.1 and 0.2 differ by exactly -2^-55.
    { values: [0.3, -0.1, -0.2], exact: -(2 ** -55) },
    { values: [], exact: 0 },
  ])("sums $values exactly", ({ values, exact }) => {
    expect(sum(values)).toBe(exact);
  });

  it("gives the same bits in every order", () => {
    const values = Array.from({ length: 2000 }, (_, i) => ((i * 7919) % 1000) / 997 + 1e-9 * i);
    const reference = sum(values);
    const plain = new Set<number>();
    for (let seed = 1; seed <= 20; seed++) {
      const order = shuffled(values, seed);
      expect(sum(order)).toBe(reference);
      plain.add(order.reduce((a, b) => a + b, 0));
    }
    // The case is one where order matters to a plain sum, or the check above proves nothing.
    expect(plain.size).toBeGreaterThan(1);
  });

  it("carries infinities and NaN through, and counts what it was given", () => {
    const total = new ExactSum();
    total.add(1);
    total.add(Number.POSITIVE_INFINITY);
    expect(total.value()).toBe(Number.POSITIVE_INFINITY);
    expect(total.count).toBe(2);
    total.add(Number.NEGATIVE_INFINITY);
    expect(total.value()).toBeNaN();
  });
});
