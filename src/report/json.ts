import type { Run } from "../core/index.js";
import type { AttemptSource, Sink } from "./types.js";

/** `{ "run": …, "attempts": [ … ] }`, one attempt per line so the file also diffs well. */
export async function writeJson(sink: Sink, run: Run, attempts: AttemptSource): Promise<void> {
  await sink.write(`{"run":${JSON.stringify(run)},"attempts":[`);
  let first = true;
  for await (const attempt of attempts()) {
    await sink.write(`${first ? "\n" : ",\n"}${JSON.stringify(attempt)}`);
    first = false;
  }
  await sink.write(first ? "]}\n" : "\n]}\n");
}

/** One JSON object per line: the run first, then each attempt, each tagged with `type`. */
export async function writeJsonl(sink: Sink, run: Run, attempts: AttemptSource): Promise<void> {
  await sink.write(`${JSON.stringify({ type: "run", ...run })}\n`);
  for await (const attempt of attempts()) {
    await sink.write(`${JSON.stringify({ type: "attempt", ...attempt })}\n`);
  }
}
