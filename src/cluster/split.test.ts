import { describe, expect, it } from "vitest";
import { createRng } from "../core/index.js";
import { normalize } from "./embedder.js";
import { splitDistinctGroups } from "./split.js";

const DIM = 16;
const rng = createRng(3);

/** A unit vector near `axis` (a basis direction), `noise` per coordinate. */
function near(axis: number, noise: number, second?: number): Float32Array {
  const v = new Float32Array(DIM);
  for (let k = 0; k < DIM; k++) v[k] = (rng.next() - 0.5) * noise;
  v[axis]! += 1;
  if (second !== undefined) v[second]! += 0.3;
  return normalize(v);
}

const groupsOf = (labels: Int32Array) => {
  const groups = new Map<number, number[]>();
  labels.forEach((label, i) => {
    groups.set(label, [...(groups.get(label) ?? []), i]);
  });
  return [...groups.values()].map((g) => g.join(",")).sort();
};

describe("splitDistinctGroups", () => {
  it("splits a group of near-identical members off a cluster they are unlike", () => {
    // 14 spread around axis 0, 5 near-identical on axis 5, all labelled one cluster.
    const vectors = [
      ...Array.from({ length: 14 }, () => near(0, 0.6)),
      ...Array.from({ length: 5 }, () => near(5, 0.02)),
    ];
    const labels = new Int32Array(vectors.length);
    const out = splitDistinctGroups(vectors, labels, { similarity: 0.75 });
    expect(groupsOf(out)).toEqual(
      [Array.from({ length: 14 }, (_, i) => i).join(","), "14,15,16,17,18"].sort(),
    );
  });

  it("keeps a tight group that is like the rest, one below minGroup, and the unclustered", () => {
    const vectors = [
      ...Array.from({ length: 12 }, () => near(0, 0.6)),
      // Tight but close to axis 0 overall: one problem with the rest.
      ...Array.from({ length: 4 }, () => near(0, 0.02, 1)),
      // Unlike the rest but only two.
      ...Array.from({ length: 2 }, () => near(7, 0.02)),
      near(9, 0.02),
    ];
    const labels = Int32Array.from(vectors, (_, i) => (i === vectors.length - 1 ? -1 : 0));
    const out = splitDistinctGroups(vectors, labels, { similarity: 0.75 });
    expect([...out]).toEqual([...labels]);
  });

  it("makes a cluster of near-identical unclustered members unlike every cluster", () => {
    const vectors = [
      ...Array.from({ length: 10 }, () => near(0, 0.6)),
      ...Array.from({ length: 4 }, () => near(6, 0.02)),
      // Near-identical, but as alike to cluster 0 as a member would be: left alone.
      ...Array.from({ length: 3 }, () => near(0, 0.02, 2)),
      near(11, 0.5),
    ];
    const labels = Int32Array.from(vectors, (_, i) => (i < 10 ? 0 : -1));
    const out = splitDistinctGroups(vectors, labels, { similarity: 0.75 });
    expect([...out]).toEqual([...labels.slice(0, 10), 1, 1, 1, 1, -1, -1, -1, -1]);
  });

  it("leaves clusters larger than maxMembers whole", () => {
    const vectors = [
      ...Array.from({ length: 14 }, () => near(0, 0.6)),
      ...Array.from({ length: 5 }, () => near(5, 0.02)),
    ];
    const labels = new Int32Array(vectors.length);
    const out = splitDistinctGroups(vectors, labels, { similarity: 0.75, maxMembers: 10 });
    expect([...out]).toEqual([...labels]);
  });
});
