/**
 * What a project's store says was spent: every run holds only the attempts that ran then
 * (reused ones are not copied), so new runs' attempts are the agent calls made, by the
 * evaluation, the optimizer and the gate alike (the cycle record counts the gate's apart).
 */
import { resolve } from "node:path";
import { loadProjectConfig } from "../../src/eval/index.js";
import { openStore, type Store } from "../../src/store/index.js";

export interface Spend {
  rollouts: number;
  proposerCalls: number;
  usd: number;
}

export const noSpend = (): Spend => ({ rollouts: 0, proposerCalls: 0, usd: 0 });
export const calls = (s: Spend) => s.rollouts + s.proposerCalls;
export const addSpend = (a: Spend, b: Spend): Spend => ({
  rollouts: a.rollouts + b.rollouts,
  proposerCalls: a.proposerCalls + b.proposerCalls,
  usd: a.usd + b.usd,
});

export async function withProjectStore<T>(dir: string, f: (store: Store) => Promise<T>) {
  const loaded = await loadProjectConfig({ cwd: dir });
  const store = await openStore({
    ...loaded.config.store,
    path: resolve(loaded.dir, loaded.config.store.path),
  });
  try {
    return await f(store);
  } finally {
    await store.close();
  }
}

/** Runs of the store not in `seen` (which it then holds): their attempts and cost. */
export async function newRunsSpend(store: Store, seen: Set<string>): Promise<Spend> {
  const spend = noSpend();
  for (const run of await store.listRuns({ limit: 1_000_000 })) {
    if (seen.has(run.id)) continue;
    seen.add(run.id);
    spend.rollouts += run.totals?.attempts ?? 0;
    spend.usd += run.totals?.cost_usd ?? 0;
  }
  return spend;
}
