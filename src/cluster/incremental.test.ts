import { describe, expect, it } from "vitest";
import { assignToClusters, matchClusterIds, normalize } from "./index.js";

const v = (...xs: number[]) => normalize(Float32Array.from(xs));

describe("assigning new vectors to existing clusters", () => {
  const clusters = [
    { id: "c-a", centroid: v(1, 0, 0) },
    { id: "c-b", centroid: v(0, 1, 0) },
  ];

  it("joins the nearest centroid at or above the threshold, else stays unclustered", () => {
    // (3, 4, 0)/5 has cosine 0.8 with c-b and 0.6 with c-a; (1, 1, 1)/√3 has 0.577 with both.
    const result = assignToClusters([v(3, 4, 0), v(1, 1, 1), v(0, 0, 1)], clusters, 0.75);
    expect(result.map((r) => r.id)).toEqual(["c-b", undefined, undefined]);
    expect(result[0]!.similarity).toBeCloseTo(0.8, 6);
    expect(assignToClusters([v(3, 4, 0)], clusters, 0.8)[0]!.id).toBe("c-b");
    expect(assignToClusters([v(3, 4, 0)], clusters, 0.81)[0]!.id).toBeUndefined();
  });

  it("leaves everything unclustered when there are no clusters yet", () => {
    expect(assignToClusters([v(1, 0, 0)], [], 0.5)).toEqual([{ id: undefined, similarity: 0 }]);
  });
});

describe("stable cluster ids across rebuilds", () => {
  let counter = 0;
  const fresh = () => `new-${++counter}`;

  it("matches by member overlap first, then by centroid, then gives new ids", () => {
    counter = 0;
    const previous = [
      { id: "refunds", members: ["f1", "f2", "f3", "f4"], centroid: v(1, 0, 0) },
      { id: "timeouts", members: ["f5", "f6"], centroid: v(0, 1, 0) },
      { id: "gone", members: ["f7"], centroid: v(0, 0, 1) },
    ];
    const rebuilt = [
      // Jaccard with refunds: {f2,f3,f4} / {f1..f4, f9} = 3/5 = 0.6.
      { members: ["f2", "f3", "f4", "f9"], centroid: v(1, 0.1, 0) },
      // No shared members, but its centroid has cosine 0.98 with timeouts.
      { members: ["f10", "f11"], centroid: v(0.2, 1, 0) },
      // Nothing like anything before.
      { members: ["f12", "f13"], centroid: v(-1, 0, 0) },
    ];
    const result = matchClusterIds(previous, rebuilt, fresh);
    expect(result.ids).toEqual(["refunds", "timeouts", "new-1"]);
    expect(result.how).toEqual(["members", "centroid", "new"]);
    expect(result.retired).toEqual(["gone"]);
  });

  it("gives an old id to one successor only: the larger overlap wins a split", () => {
    counter = 0;
    const previous = [{ id: "big", members: ["a", "b", "c", "d", "e", "f"], centroid: v(1, 0) }];
    const rebuilt = [
      { members: ["a", "b"], centroid: v(0, 1) }, // Jaccard 2/6
      { members: ["c", "d", "e", "f"], centroid: v(0, 1) }, // Jaccard 4/6
    ];
    const result = matchClusterIds(previous, rebuilt, fresh);
    expect(result.ids).toEqual(["new-1", "big"]);
    expect(result.retired).toEqual([]);
  });

  it("does not match on a small overlap or a weak centroid similarity", () => {
    counter = 0;
    const previous = [{ id: "old", members: ["a", "b", "c", "d"], centroid: v(1, 0) }];
    // Jaccard 1/6 < 0.3 and cosine 0.6 < 0.75.
    const result = matchClusterIds(
      previous,
      [{ members: ["a", "x", "y"], centroid: v(3, 4) }],
      fresh,
    );
    expect(result.ids).toEqual(["new-1"]);
    expect(result.retired).toEqual(["old"]);
  });
});
