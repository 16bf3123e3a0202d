import { main } from "./main.js";

// A reader that stops early (`ratchet traces list | head`) is not an error of ours: stop
// quietly, as Unix tools do, instead of dying on an unhandled EPIPE with a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
// Every command has finished its work when main returns (the store is closed, reports are
// written, servers stopped). Left to end by itself, Node would then tear down the heap, the
// handles and the addons, which took 0.1–0.5 s after a run (bench/runner, e2e part); exiting
// here skips that. Only what is still queued on stdout/stderr is waited for (pipes are
// asynchronous on some platforms), so no output is lost.
await Promise.all(
  [process.stdout, process.stderr].map(
    (stream) => new Promise<void>((resolve) => stream.write("", () => resolve())),
  ),
);
process.exit();
