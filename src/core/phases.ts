/**
 * `RATCHET_PROFILE=1`: where a command's time goes. Each `markPhase` records the wall time
 * since the process started (`performance.now()` counts from Node's own start, so the first
 * mark includes node start-up and module loading) and the process CPU time so far; at exit the
 * marks are printed to stderr with the wall and CPU time each phase took. On a loaded machine
 * the CPU column is the steadier one. Without the variable a mark costs one comparison.
 */
const enabled = process.env.RATCHET_PROFILE === "1";
const marks: Array<{ name: string; at: number; cpu: number }> = [];

export function markPhase(name: string): void {
  if (!enabled) return;
  if (marks.length === 0) process.once("exit", printPhases);
  const cpu = process.cpuUsage();
  marks.push({ name, at: performance.now(), cpu: (cpu.user + cpu.system) / 1000 });
}

function printPhases(): void {
  markPhase("exit event");
  const lines = [
    `ratchet profile (ms since process start, ms in phase, CPU ms in phase; time origin ${performance.timeOrigin.toFixed(1)}):`,
  ];
  let previous = { at: 0, cpu: 0 };
  for (const mark of marks) {
    const wall = (mark.at - previous.at).toFixed(0);
    const cpu = (mark.cpu - previous.cpu).toFixed(0);
    lines.push(
      `  ${mark.at.toFixed(0).padStart(7)} ${wall.padStart(6)} ${cpu.padStart(6)}  ${mark.name}`,
    );
    previous = mark;
  }
  process.stderr.write(`${lines.join("\n")}\n`);
}
