/**
 * `RATCHET_PROFILE=1`: where a command's wall time goes. Each `markPhase` records the time since
 * the process started (`performance.now()` counts from Node's own start, so the first mark
 * includes node start-up and module loading); at exit the marks are printed to stderr with the
 * time each phase took. Without the variable a mark costs one comparison.
 */
const enabled = process.env.RATCHET_PROFILE === "1";
const marks: Array<{ name: string; at: number }> = [];

export function markPhase(name: string): void {
  if (!enabled) return;
  if (marks.length === 0) process.once("exit", printPhases);
  marks.push({ name, at: performance.now() });
}

function printPhases(): void {
  markPhase("exit event");
  const lines = [
    `ratchet profile (ms since process start, ms in phase; time origin ${performance.timeOrigin.toFixed(1)}):`,
  ];
  let previous = 0;
  for (const { name, at } of marks) {
    lines.push(`  ${at.toFixed(0).padStart(7)} ${(at - previous).toFixed(0).padStart(6)}  ${name}`);
    previous = at;
  }
  process.stderr.write(`${lines.join("\n")}\n`);
}
