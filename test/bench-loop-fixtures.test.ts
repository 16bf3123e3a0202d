/**
 * The loop benchmark's analyst fixture (bench/loop/fixtures/analyst) is sound: its config and
 * suites load, every case passes when the sim has no habit, and each of sim:analyst's habits,
 * forced alone, fires on some case and fails one that passed without it (so the bench can seed
 * every mode). Offline, a few seconds.
 */
import { afterAll, describe, expect, it } from "vitest";
import { cleanUp, PROFILES } from "../bench/loop/project.js";
import { modeOracle } from "../bench/loop/truth.js";
import { loadSimProfile } from "../src/providers/index.js";

afterAll(() => {
  cleanUp(false);
});

describe("bench/loop analyst fixture", () => {
  it("passes with no habit and lets the graders see every habit of sim:analyst", async () => {
    const oracle = await modeOracle(PROFILES.analyst, 7);
    expect(oracle.cases).toBeGreaterThanOrEqual(30);
    expect(oracle.cleanPasses).toBe(oracle.cases);
    const habits = loadSimProfile("analyst").habits.map((h) => h.id);
    expect(oracle.modes.map((m) => m.id)).toEqual(habits);
    const blind = oracle.modes.filter((m) => !m.triggerable || !m.visible).map((m) => m.id);
    expect(blind).toEqual([]);
  });
});
