/**
 * How long work waits for the event loop right now. The receiver decodes, redacts and stores
 * synchronously, so a backlog does not show as requests in progress: it shows as sockets the
 * loop has not come back to yet, i.e. as the loop's lateness. A repeating timer measures it.
 */
export interface LoadProbe {
  /** Milliseconds a callback queued now is expected to wait (the latest lateness seen). */
  delayMs(): number;
  /**
   * All lateness so far, ever growing: the difference between two readings is how long work
   * waited for the loop in between (a request's wait for the server, not for its client).
   */
  waitedMs(): number;
  stop(): void;
}

/** Lateness of a `tickMs` timer: the last tick's, or the pending tick's if it is later still. */
export function watchEventLoopDelay(tickMs = 50): LoadProbe {
  let last = performance.now();
  let lastLate = 0;
  let totalLate = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    lastLate = Math.max(0, now - last - tickMs);
    totalLate += lastLate;
    last = now;
  }, tickMs);
  const pending = () => Math.max(0, performance.now() - last - tickMs);
  // The probe must never keep a process alive on its own.
  timer.unref();
  return {
    delayMs: () => Math.max(lastLate, pending()),
    waitedMs: () => totalLate + pending(),
    stop: () => clearInterval(timer),
  };
}
