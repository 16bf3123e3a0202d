import { describe, expect, it } from "vitest";
import { createRng } from "../core/index.js";
import {
  adjustedRandIndex,
  type DistanceMatrix,
  euclideanDistanceMatrix,
  hdbscan,
} from "./index.js";

const line = (xs: number[]) => euclideanDistanceMatrix(xs.map((x) => [x]));

/** Labels renamed in order of first appearance (-1 kept), so partitions compare directly. */
function canonical(labels: ArrayLike<number>): number[] {
  const names = new Map<number, number>();
  return Array.from(labels, (l) => {
    if (l < 0) return -1;
    if (!names.has(l)) names.set(l, names.size);
    return names.get(l)!;
  });
}

describe("HDBSCAN on data whose condensed tree is derived by hand", () => {
  it("two groups and an outlier (minSamples 1 = single linkage)", () => {
    // MST: 0–1, 1–2, 10–11, 11–12 at 1; 2–10 at 8; 12–30 at 18.
    // Root splits at 18: the point 30 falls out at λ = 1/18. At 8 both sides have 3 points
    // (= minClusterSize): clusters born at λ = 1/8; their points leave at λ = 1.
    // Stability of each = 3 · (1 − 1/8) = 2.625; the root is not selectable.
    const result = hdbscan(line([0, 1, 2, 10, 11, 12, 30]), { minClusterSize: 3, minSamples: 1 });
    expect(canonical(result.labels)).toEqual([0, 0, 0, 1, 1, 1, -1]);
    expect(result.selected.map((c) => result.stability[c])).toEqual([2.625, 2.625]);
    expect(result.birthLambda).toEqual([0.125, 0.125]);
    const outlier = result.condensed.find((e) => e.child === -7)!;
    expect(outlier).toMatchObject({ parent: 0, lambda: 1 / 18, size: 1 });
    // Root stability: 30 leaves at 1/18, two clusters of 3 born at 1/8.
    expect(result.stability[0]).toBeCloseTo(1 / 18 + 6 / 8, 14);
  });

  it("excess of mass keeps a parent whose stability beats its children's", () => {
    // P = {0,1,2,3.5,4.5,5.5} splits at 1.5 into two threes; Q = {50,51,52}; P–Q at 44.5.
    // P born at 1/44.5: stability 6 · (2/3 − 1/44.5) ≈ 3.865;
    // its children born at 2/3: 3 · (1 − 2/3) = 1 each, sum 2 < 3.865 → P is kept whole.
    const result = hdbscan(line([0, 1, 2, 3.5, 4.5, 5.5, 50, 51, 52]), {
      minClusterSize: 3,
      minSamples: 1,
    });
    expect(canonical(result.labels)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1]);
    const stabilities = result.selected.map((c) => result.stability[c]!).sort((a, b) => a - b);
    expect(stabilities[0]).toBeCloseTo(3 * (1 - 1 / 44.5), 12);
    expect(stabilities[1]).toBeCloseTo(6 * (2 / 3 - 1 / 44.5), 6);
  });

  it("and picks the children when the gap between them is wide", () => {
    // P = {0,1,2,10,11,12} splits at 8: children 3 · (1 − 1/8) = 2.625 each, sum 5.25;
    // P born at 1/88 (Q = {100,101,102}): 6 · (1/8 − 1/88) ≈ 0.68 < 5.25 → the children.
    const result = hdbscan(line([0, 1, 2, 10, 11, 12, 100, 101, 102]), {
      minClusterSize: 3,
      minSamples: 1,
    });
    expect(canonical(result.labels)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2]);
  });

  it("cluster selection epsilon merges clusters that split off below it", () => {
    // The data of the previous test: P's children split off at distance 8, P and Q at 88.
    const matrix = line([0, 1, 2, 10, 11, 12, 100, 101, 102]);
    const at = (epsilon: number) =>
      canonical(
        hdbscan(matrix, { minClusterSize: 3, minSamples: 1, clusterSelectionEpsilon: epsilon })
          .labels,
      );
    expect(at(7)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2]);
    expect(at(9)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1]);
    // Above 88 the walk stops below the root (not selectable): still P and Q.
    expect(at(100)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1]);
  });

  it("uses core distances: with minSamples 3 a loose point hangs on to the nearer group", () => {
    // Core distances (3rd nearest, itself included): 0 → 2, 1 → 1, 2 → 2, 10 → 2, 11 → 1,
    // 12 → 2, and 5 → 4 (itself, 2 at 3, 1 at 4). Mutual reachability: each group joins at 2,
    // 5 joins {0,1,2} at max(4, 2, 3) = 4, and {0,1,2,5} joins {10,11,12} at max(4, 2, 5) = 5.
    // Root splits at 5 into sizes 4 and 3: clusters born at λ = 1/5. In the first, 5 leaves
    // at λ = 1/4 and the rest at 1/2: stability (1/4 − 1/5) + 3 · (1/2 − 1/5) = 0.95; the
    // other: 3 · (1/2 − 1/5) = 0.9. A point that leaves a selected cluster is its member.
    const result = hdbscan(line([0, 1, 2, 10, 11, 12, 5]), { minClusterSize: 3, minSamples: 3 });
    expect(canonical(result.labels)).toEqual([0, 0, 0, 1, 1, 1, 0]);
    const stabilities = result.selected.map((c) => result.stability[c]!).sort((a, b) => a - b);
    expect(stabilities[0]).toBeCloseTo(0.9, 12);
    expect(stabilities[1]).toBeCloseTo(0.95, 12);
  });
});

/**
 * A second implementation straight from the definition (Campello et al. 2013): the clusters
 * at level ε are the connected components with ≥ minClusterSize points of the graph whose
 * edges have mutual reachability < ε; it sweeps the distinct levels downwards, with no
 * spanning tree and no linkage tree. O(levels · n²): for tiny data only.
 */
function definitionalHdbscan(matrix: DistanceMatrix, mcs: number, minSamples: number): number[] {
  const { n, data } = matrix;
  const core = Array.from({ length: n }, (_, i) => {
    const row = Array.from(data.subarray(i * n, i * n + n)).sort((a, b) => a - b);
    return row[Math.min(minSamples, n) - 1]!;
  });
  const mr = (a: number, b: number) => Math.max(core[a]!, core[b]!, data[a * n + b]!);
  const components = (points: number[], below: number): number[][] => {
    const seen = new Set<number>();
    const out: number[][] = [];
    for (const start of points) {
      if (seen.has(start)) continue;
      const comp = [start];
      seen.add(start);
      for (let k = 0; k < comp.length; k++) {
        for (const q of points) {
          if (!seen.has(q) && mr(comp[k]!, q) < below) {
            seen.add(q);
            comp.push(q);
          }
        }
      }
      out.push(comp);
    }
    return out;
  };
  interface Node {
    points: number[];
    stability: number;
    children: Node[];
  }
  const explore = (start: number[], birth: number): Node => {
    const node: Node = { points: start, stability: 0, children: [] };
    let current = start;
    const levels = new Set<number>();
    for (const a of current) for (const b of current) if (a < b) levels.add(mr(a, b));
    const sorted = [...levels].sort((a, b) => b - a);
    for (const level of sorted) {
      if (level >= 1 / birth) continue; // levels above the birth do not split this cluster
      const lambda = 1 / level;
      const parts = components(current, level);
      const big = parts.filter((p) => p.length >= mcs);
      for (const p of parts) if (p.length < mcs) node.stability += (lambda - birth) * p.length;
      if (big.length === 0) return node;
      if (big.length > 1) {
        for (const p of big) {
          node.stability += (lambda - birth) * p.length;
          node.children.push(explore(p, lambda));
        }
        return node;
      }
      current = big[0]!;
    }
    return node;
  };
  const all = Array.from({ length: n }, (_, i) => i);
  const root = explore(all, 0);
  const labels = new Array<number>(n).fill(-1);
  let next = 0;
  // Excess of mass: returns the best total, assigning labels for the chosen clusters.
  const choose = (node: Node): { value: number; chosen: Node[] } => {
    const fromChildren = node.children.map(choose);
    const sum = fromChildren.reduce((s, c) => s + c.value, 0);
    if (node.children.length > 0 && sum > node.stability) {
      return { value: sum, chosen: fromChildren.flatMap((c) => c.chosen) };
    }
    return { value: node.stability, chosen: [node] };
  };
  const picked = root.children.flatMap((c) => choose(c).chosen);
  for (const node of picked) {
    const label = next++;
    for (const p of node.points) labels[p] = label;
  }
  // A point is in a chosen cluster only until it falls out of it; points of the cluster
  // always fall out inside it or its descendants, so membership is the cluster's point set.
  return labels;
}

function blobs(seed: number, n: number): number[][] {
  const rng = createRng(seed);
  const centres = [
    [0, 0],
    [6, 1],
    [2, 7],
    [9, 9],
  ];
  const g = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  return Array.from({ length: n }, (_, i) => {
    const c = centres[i % centres.length]!;
    const spread = 0.6 + (i % 3) * 0.4;
    return [c[0]! + g() * spread, c[1]! + g() * spread];
  });
}

describe("HDBSCAN against a second, definitional implementation", () => {
  const settings = [
    { mcs: 3, ms: 1 },
    { mcs: 4, ms: 3 },
    { mcs: 5, ms: 5 },
    { mcs: 8, ms: 4 },
  ];
  for (const seed of [1, 2, 3, 4, 5]) {
    for (const { mcs, ms } of settings) {
      it(`agrees on random blobs (seed ${seed}, minClusterSize ${mcs}, minSamples ${ms})`, () => {
        const matrix = euclideanDistanceMatrix(blobs(seed, 48));
        const expected = definitionalHdbscan(matrix, mcs, ms);
        const actual = hdbscan(matrix, { minClusterSize: mcs, minSamples: ms }).labels;
        expect(canonical(actual)).toEqual(canonical(expected));
      });
    }
  }
});

describe("HDBSCAN invariants", () => {
  it("the partition does not depend on the order of the points", () => {
    const points = blobs(11, 80);
    const base = hdbscan(euclideanDistanceMatrix(points), { minClusterSize: 5 }).labels;
    const rng = createRng(99);
    for (let trial = 0; trial < 5; trial++) {
      const order = points.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const shuffled = hdbscan(euclideanDistanceMatrix(order.map((i) => points[i]!)), {
        minClusterSize: 5,
      }).labels;
      const back = new Int32Array(points.length);
      order.forEach((from, to) => {
        back[from] = shuffled[to]!;
      });
      expect(canonical(back).map((l) => l < 0)).toEqual(canonical(base).map((l) => l < 0));
      expect(adjustedRandIndex(base, back)).toBe(1);
    }
  });

  it("never splits duplicate points between clusters", () => {
    const points = blobs(7, 30);
    const doubled = [...points, ...points, ...points];
    const labels = hdbscan(euclideanDistanceMatrix(doubled), { minClusterSize: 6 }).labels;
    for (let i = 0; i < points.length; i++) {
      expect(labels[i + points.length]).toBe(labels[i]);
      expect(labels[i + 2 * points.length]).toBe(labels[i]);
    }
  });

  it("puts identical points in one cluster, and two groups of identical points in two", () => {
    const same = euclideanDistanceMatrix(Array.from({ length: 10 }, () => [1, 1]));
    expect([...hdbscan(same, { minClusterSize: 3 }).labels]).toEqual(new Array(10).fill(0));
    const two = euclideanDistanceMatrix([
      ...Array.from({ length: 5 }, () => [0, 0]),
      ...Array.from({ length: 5 }, () => [5, 5]),
    ]);
    expect(canonical(hdbscan(two, { minClusterSize: 3 }).labels)).toEqual([
      0, 0, 0, 0, 0, 1, 1, 1, 1, 1,
    ]);
  });

  it("handles minClusterSize at the edges: more than n, exactly n, and tiny inputs", () => {
    const matrix = line([0, 1, 2, 10, 11, 12]);
    expect([...hdbscan(matrix, { minClusterSize: 7 }).labels]).toEqual([-1, -1, -1, -1, -1, -1]);
    // With minClusterSize = n the root can never split, and the root is not selectable.
    expect([...hdbscan(matrix, { minClusterSize: 6 }).labels]).toEqual([-1, -1, -1, -1, -1, -1]);
    expect([...hdbscan(matrix, { minClusterSize: 6, allowSingleCluster: true }).labels]).toEqual([
      0, 0, 0, 0, 0, 0,
    ]);
    expect([...hdbscan(line([]), { minClusterSize: 2 }).labels]).toEqual([]);
    expect([...hdbscan(line([3]), { minClusterSize: 2 }).labels]).toEqual([-1]);
    // minClusterSize below 2 is raised to 2 (a cluster of one is not a cluster).
    expect(
      canonical(hdbscan(line([0, 1, 10, 11]), { minClusterSize: 1, minSamples: 1 }).labels),
    ).toEqual([0, 0, 1, 1]);
  });
});
