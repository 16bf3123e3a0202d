import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { openSqliteStore, type Store } from "./index.js";
import type { JudgeCalibration } from "./judges.js";

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-judges-"));
  store = await openSqliteStore(join(dir, "ratchet.db"));
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const base: JudgeCalibration = {
  judge: "helpful",
  version: "v1",
  model: "sim:judge",
  mode: "pointwise",
  labels_file: "human.jsonl",
  n: 20,
  accuracy: 0.8,
  kappa: 0.6,
  kappa_se: 0.1,
  threshold: 0.55,
  cost_usd: 0.001,
  details: {
    confusion: [
      [8, 2],
      [2, 8],
    ],
  },
  created_at: "2025-01-01T00:00:00.000Z",
};

it("stores calibrations per version, newest first, and survives reopening", async () => {
  await store.judges.saveCalibration(base);
  await store.judges.saveCalibration({
    ...base,
    kappa: 0.4,
    created_at: "2025-02-01T00:00:00.000Z",
  });
  const { threshold: _dropped, ...noThreshold } = base;
  await store.judges.saveCalibration({
    ...noThreshold,
    version: "v2",
    created_at: "2025-03-01T00:00:00.000Z",
  });

  const v1 = await store.judges.listCalibrations({ version: "v1" });
  expect(v1.map((c) => c.kappa)).toEqual([0.4, 0.6]);
  expect((await store.judges.latestForVersion("v1"))?.kappa).toBe(0.4);
  expect(await store.judges.latestForVersion("nope")).toBeUndefined();
  const all = await store.judges.listCalibrations({ judge: "helpful" });
  expect(all.map((c) => c.version)).toEqual(["v2", "v1", "v1"]);
  expect(all[0]!.threshold).toBeUndefined();
  expect(all[2]!.details).toEqual({
    confusion: [
      [8, 2],
      [2, 8],
    ],
  });

  await store.close();
  store = await openSqliteStore(join(dir, "ratchet.db"));
  expect(await store.judges.listCalibrations({ limit: 1 })).toHaveLength(1);
});

it("keeps each calibration's label-set hash and filters by it", async () => {
  await store.judges.saveCalibration({ ...base, labels_hash: "aaaa" });
  await store.judges.saveCalibration({
    ...base,
    labels_hash: "bbbb",
    created_at: "2025-02-01T00:00:00.000Z",
  });
  await store.judges.saveCalibration({ ...base, created_at: "2025-03-01T00:00:00.000Z" });
  const a = await store.judges.listCalibrations({ judge: "helpful", labels_hash: "aaaa" });
  expect(a.map((c) => c.labels_hash)).toEqual(["aaaa"]);
  const all = await store.judges.listCalibrations({ judge: "helpful" });
  expect(all.map((c) => c.labels_hash)).toEqual([undefined, "bbbb", "aaaa"]);
});
