import { hostname } from "node:os";
import type { RatchetConfig } from "../../config/index.js";
import { parseDuration } from "../../core/index.js";
import type { Store } from "../../store/index.js";
import { type TickResult, watchTick } from "./tick.js";

export const WATCH_LEASE = "watch";

export interface WatchOptions {
  cwd: string;
  actor?: string;
  /** Stop after this many looks (tests, cron); default: until stopped. */
  looks?: number;
  /** Ends the loop (Ctrl-C, SIGTERM); the lease is released. */
  signal?: AbortSignal;
  clock?: () => Date;
  onTick?: (result: TickResult) => void;
  /** Another watch holds the lease: we stand by. Called when that changes. */
  onStandby?: (holder: string | undefined) => void;
  onImprove?: (prompt: string) => Promise<string>;
}

/**
 * The long-running side of the loop. Only the holder of the store's `watch` lease acts; any
 * other `watch` stands by and takes over when the lease lapses (its holder died). The lease
 * lasts three intervals and is renewed on every look.
 */
export async function runWatch(
  store: Store,
  config: RatchetConfig,
  options: WatchOptions,
): Promise<{ looks: number; acted: number }> {
  const interval = parseDuration(config.live.watch.interval, "live.watch.interval");
  const clock = options.clock ?? (() => new Date());
  const holder = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  let looks = 0;
  let acted = 0;
  let standingBy: string | undefined;
  try {
    while (!options.signal?.aborted && (options.looks === undefined || looks < options.looks)) {
      const now = clock();
      const lease = await store.live.acquireLease(WATCH_LEASE, holder, now.getTime(), 3 * interval);
      if (!lease.held) {
        if (standingBy !== lease.holder) options.onStandby?.(lease.holder);
        standingBy = lease.holder;
      } else {
        if (standingBy !== undefined) options.onStandby?.(undefined);
        standingBy = undefined;
        const result = await watchTick(store, config, {
          cwd: options.cwd,
          actor: options.actor ?? "watch",
          now,
          ...(options.onImprove ? { onImprove: options.onImprove } : {}),
        });
        acted += countActions(result);
        options.onTick?.(result);
      }
      looks++;
      if (options.looks !== undefined && looks >= options.looks) break;
      await sleep(interval, options.signal);
    }
  } finally {
    await store.live.releaseLease(WATCH_LEASE, holder);
  }
  return { looks, acted };
}

export function countActions(result: TickResult): number {
  const canaries = result.canaries.filter(
    (c) => c.acted !== "none" && c.acted !== "already_done",
  ).length;
  const guards = result.guards.filter((g) => g.acted === "rolled_back").length;
  const drift = result.drift.filter(
    (d) => d.action === "rolled_back" || d.action === "improve_triggered",
  ).length;
  return canaries + guards + drift;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
