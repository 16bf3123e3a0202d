import type { GateTest } from "../types.js";

/**
 * The gate's default test, chosen on bench/gate's simulated gates (200 cases × 3 epochs): the
 * paired t-test on per-case means keeps A/A false promotions near 1% (target ≤ 5%), has the
 * top power at +5 points (tied with the paired bootstrap and the signed-rank test, and about
 * 1.8× Welch's, which ignores the pairing), is exact and deterministic (no resampling), and
 * its interval is for the mean difference the rules compare. With 200 cases the per-case
 * means are close enough to normal for the t reference distribution.
 */
export const DEFAULT_GATE_TEST: GateTest = "paired_t_test";
