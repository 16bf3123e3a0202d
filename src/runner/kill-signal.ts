import { setMaxListeners } from "node:events";

export interface RunKillSignal {
  signal: AbortSignal;
  /** Stops listening to the caller's signal. */
  dispose(): void;
}

/**
 * The run's own copy of the caller's kill signal. Every attempt in flight listens for the
 * kill once (during the agent call, or during a retry's backoff sleep, never both), so one
 * shared signal carries up to `concurrency` listeners at a time; Node warns past 10 and took
 * `--concurrency 11` for a leak. The listeners are removed as attempts end, so the bound is
 * twice the concurrency (grading, raced against the kill, listens too): the limit is raised to
 * that on a signal the run owns, and the caller's
 * signal gets a single listener.
 */
export function runKillSignal(
  source: AbortSignal | undefined,
  concurrency: number,
): RunKillSignal | undefined {
  if (!source) return undefined;
  const controller = new AbortController();
  setMaxListeners(2 * concurrency + 1, controller.signal);
  const forward = () => controller.abort(source.reason);
  if (source.aborted) forward();
  else source.addEventListener("abort", forward, { once: true });
  return {
    signal: controller.signal,
    dispose: () => source.removeEventListener("abort", forward),
  };
}
