import type { CostStore } from "./deps.js";

export interface FreshRollupsOptions {
  /** Pause between looks when nothing was waiting. */
  intervalMs?: number;
  /** Traces per step; each step holds the event loop and the write lock for its length. */
  chunk?: number;
  /** Pause between steps while a backlog is worked off (default 0: straight on). A receiver
   *  sets one so that storing spans keeps the upper hand and the rollups use the slack. */
  busyPauseMs?: number;
  onError?: (error: unknown) => void;
}

export interface FreshRollups {
  stop(): Promise<void>;
}

/**
 * Keeps a long-running process's cost rollups caught up with the spans it (or another
 * process) stores, a chunk at a time with the event loop free in between, so that a cost
 * report never inherits a large backlog and a receiver keeps answering while it is worked off.
 */
export function keepRollupsFresh(
  costs: CostStore,
  options: FreshRollupsOptions = {},
): FreshRollups {
  const intervalMs = options.intervalMs ?? 2000;
  const chunk = options.chunk ?? 500;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = step();
    }, delay);
    timer.unref();
  };
  const step = async () => {
    let delay = intervalMs;
    try {
      const done = await costs.refresh({ chunk, limit: chunk });
      if (done === chunk) delay = options.busyPauseMs ?? 0;
    } catch (error) {
      options.onError?.(error);
    }
    running = undefined;
    schedule(delay);
  };
  schedule(0);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
