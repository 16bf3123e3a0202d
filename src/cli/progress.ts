import type { RunEvent } from "../runner/index.js";
import type { Output } from "./output.js";

/** A TTY bar is redrawn at most this often: a sim run finishes thousands of attempts a second. */
const REDRAW_MS = 100;

/**
 * Progress on a TTY is one redrawn bar on stderr; elsewhere (CI logs, pipes) plain lines,
 * at most one every 10% so that logs stay readable.
 */
export function createProgress(
  output: Output,
  total: number,
): { onEvent(event: RunEvent): void; done(): void } {
  let finished = 0;
  let failed = 0;
  let errors = 0;
  let lastPlainPercent = -1;
  const started = Date.now();
  let lastDrawn = 0;
  const draw = (force = false) => {
    const ratio = total ? finished / total : 1;
    if (output.isTTY) {
      const now = Date.now();
      if (!force && now - lastDrawn < REDRAW_MS && finished < total) return;
      lastDrawn = now;
      const width = 30;
      const filled = Math.round(ratio * width);
      const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
      const elapsed = ((Date.now() - started) / 1000).toFixed(1);
      process.stderr.write(
        `\r${bar} ${finished}/${total} attempts · ${failed} failed · ${errors} errors · ${elapsed}s `,
      );
    } else {
      const percent = Math.floor(ratio * 10) * 10;
      if (percent !== lastPlainPercent) {
        lastPlainPercent = percent;
        output.err(
          `progress: ${finished}/${total} attempts (${percent}%), ${failed} failed, ${errors} errors`,
        );
      }
    }
  };
  return {
    onEvent(event) {
      if (event.type === "attempt" || event.type === "skipped") {
        finished++;
        if (event.type === "attempt") {
          if (event.attempt.status === "failed") failed++;
          if (event.attempt.status === "error") errors++;
        }
        draw();
      } else if (event.type === "retry" && !output.isTTY) {
        output.err(
          `retry ${event.retry} of ${event.caseId}#${event.epoch} after ${event.error.class} (${Math.round(event.delayMs)} ms)`,
        );
      } else if (event.type === "stopping") {
        output.err(
          "\nstopping: no new attempts are scheduled; waiting briefly for the ones in flight (Ctrl-C again to cancel them now)",
        );
      }
    },
    done() {
      if (!output.isTTY) return;
      draw(true);
      process.stderr.write("\n");
    },
  };
}
