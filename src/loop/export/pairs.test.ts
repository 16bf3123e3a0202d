import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore, type Store } from "../../store/index.js";
import { compareText, groupedAttempts, joinGroups, matchAttempts } from "./pairs.js";
import { attempt, run } from "./test-support.js";

let store: Store;

beforeEach(async () => {
  // Small pages, so that the merge crosses page boundaries.
  store = await openSqliteStore(":memory:", { iterateBatchSize: 2 });
});

afterEach(async () => {
  await store.close();
});

async function seed(runId: string, keys: Array<[string, number, string?]>): Promise<void> {
  await store.createRun(run({ id: runId }));
  for (const [caseId, epoch, variant] of keys) {
    await store.saveAttempt(
      attempt({
        id: `${runId}-${caseId}-${epoch}-${variant ?? "v"}`,
        run_id: runId,
        case_id: caseId,
        epoch,
        variant: variant ?? "sim:support",
      }),
    );
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe("compareText", () => {
  it("orders as SQLite does (UTF-8 bytes), not as UTF-16 units", () => {
    // U+FF01 sorts after U+1F600 in UTF-16 (a surrogate is 0xD83D) but before it in UTF-8.
    expect(compareText("\uFF01", "😀")).toBeLessThan(0);
    expect("\uFF01" < "😀").toBe(false);
  });
});

describe("groupedAttempts", () => {
  it("merges runs in the store's order and groups one (case, epoch) across them", async () => {
    await seed("r1", [
      ["b", 0],
      ["😀", 0],
      ["a", 0],
    ]);
    await seed("r2", [
      ["a", 1],
      ["\uFF01", 0],
      ["😀", 0],
      ["zz", 0],
    ]);
    const groups = await collect(groupedAttempts(store, ["r1", "r2"]));
    // Compared as UTF-16, 😀 would come before ！ and its two attempts would not meet.
    expect(groups.map((g) => [g.case_id, g.epoch, g.attempts.map((a) => a.run_id)])).toEqual([
      ["a", 0, ["r1"]],
      ["a", 1, ["r2"]],
      ["b", 0, ["r1"]],
      ["zz", 0, ["r2"]],
      ["\uFF01", 0, ["r2"]],
      ["😀", 0, ["r1", "r2"]],
    ]);
  });
});

describe("joinGroups and matchAttempts", () => {
  it("pairs the same case and epoch, and tells what one side has alone", async () => {
    await seed("champ", [
      ["a", 0],
      ["b", 0],
      ["c", 0],
    ]);
    await seed("chall", [
      ["b", 0],
      ["c", 0],
      ["d", 0],
    ]);
    const joined = await collect(
      joinGroups(groupedAttempts(store, ["champ"]), groupedAttempts(store, ["chall"])),
    );
    expect(
      joined.map((j) =>
        j.kind === "both" ? `${j.a.case_id}=${j.b.case_id}` : `-${j.group.case_id}`,
      ),
    ).toEqual(["-a", "b=b", "c=c", "-d"]);
  });

  it("matches by variant, or the only attempt of each side", () => {
    const group = (variants: string[]) => ({
      case_id: "c",
      epoch: 0,
      attempts: variants.map((v) => attempt({ id: v, case_id: "c", variant: v })),
    });
    expect(
      matchAttempts(group(["m1", "m2"]), group(["m2", "m1"])).map(([a, b]) => [a.id, b.id]),
    ).toEqual([
      ["m1", "m1"],
      ["m2", "m2"],
    ]);
    expect(matchAttempts(group(["m1"]), group(["m9"])).length).toBe(1);
    expect(matchAttempts(group(["m1", "m2"]), group(["m8", "m9"]))).toEqual([]);
  });
});
