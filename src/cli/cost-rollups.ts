import type { Store } from "../store/index.js";
import type { Output } from "./output.js";

/** Below this many waiting traces the catch-up is quick enough to do without a word. */
const SAY_FROM = 10_000;

/**
 * Brings the store's cost rollups up to date before a command answers from them: once after
 * an upgrade (every stored trace waits) or after a large import.
 */
export async function catchUpCostRollups(store: Store, output: Output): Promise<void> {
  const pending = await store.costs.pendingTraces();
  if (pending === 0) return;
  const say = pending >= SAY_FROM;
  if (say) {
    output.err(
      `ratchet: computing cost rollups for ${pending.toLocaleString("en-US")} traces (once, after an upgrade or a large import)…`,
    );
  }
  const started = Date.now();
  const done = await store.costs.refresh();
  if (say) {
    output.err(
      `ratchet: cost rollups ready: ${done.toLocaleString("en-US")} traces in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
}
