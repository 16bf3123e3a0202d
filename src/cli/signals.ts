import { EXIT } from "../core/index.js";

/** How long a stopped run waits for the attempts in flight before it cancels them. */
export const STOP_GRACE_MS = 1500;

export interface RunSignals {
  /** Stop scheduling new attempts. */
  stop: AbortSignal;
  /** Cancel what is running (users' code in workers is terminated). */
  kill: AbortSignal;
}

/**
 * Runs `body` with Ctrl-C and SIGTERM wired to its signals. First Ctrl-C: stop scheduling and
 * give the attempts in flight STOP_GRACE_MS to finish, then cancel them — a stuck grader or a
 * slow model must not keep a stopped run alive. Ctrl-C again, or SIGTERM: cancel at once.
 * A signal after that: something is stuck outside user code; leave now.
 */
export async function withRunSignals<T>(body: (signals: RunSignals) => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const kill = new AbortController();
  const onSigint = () => {
    if (kill.signal.aborted) process.exit(EXIT.failed);
    if (stop.signal.aborted) {
      kill.abort();
      return;
    }
    stop.abort(); // the progress output says what is waited for
    setTimeout(() => kill.abort(), STOP_GRACE_MS).unref();
  };
  const onSigterm = () => {
    if (kill.signal.aborted) process.exit(EXIT.failed);
    kill.abort();
    stop.abort();
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  try {
    return await body({ stop: stop.signal, kill: kill.signal });
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
    // After a kill what finished is stored and reported; something still pending that ignored
    // the kill (a judge's HTTP call) must not keep the process alive. The timer itself does not.
    if (kill.signal.aborted) setTimeout(() => process.exit(), 1000).unref();
  }
}
