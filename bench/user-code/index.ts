/**
 * What running users' code in worker threads costs per call: `npx tsx bench/user-code/index.ts`.
 *
 * A trivial custom grader (one comparison) is called (1) in this thread, as Ratchet did before
 * user code moved to workers (the floor), (2) through the user-code host one call at a time
 * (the round trip: structured clone there and back, two messages), (3) with 16 calls in flight
 * (how a run with --concurrency 16 meets it). The input is a realistic attempt (a few
 * messages, two tool calls, spans). Also printed: how long a worker takes to load the module,
 * once as .mjs and once as .ts (through tsx), which is paid once per worker.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createUserCodeHost } from "../../src/core/index.js";
import { makeInput } from "../../src/graders/testing.js";

const CALLS = Number(process.argv[process.argv.indexOf("--n") + 1]) || 5000;
const dir = mkdtempSync(join(tmpdir(), "ratchet-bench-user-code-"));
const source = "export default function grade(input) { return input.output.length < 400; }\n";
writeFileSync(join(dir, "package.json"), '{"type":"module"}');
writeFileSync(join(dir, "grade.mjs"), source);
writeFileSync(join(dir, "grade.ts"), source.replace("(input)", "(input: { output: string })"));

const input = makeInput({
  output: "Your order ORD-1001 shipped on Tuesday. Expected delivery: 2026-11-30.",
  messages: [
    { role: "system", content: "You are a support agent for an online shop. Be brief." },
    { role: "user", content: "Where is my order ORD-1001?" },
    { role: "assistant", content: "Your order ORD-1001 shipped on Tuesday." },
  ],
  tool_calls: [
    { id: "call_1", name: "lookup_order", arguments: { order_id: "ORD-1001" } },
    { id: "call_2", name: "notify_customer", arguments: { channel: "email" } },
  ],
});

interface Cost {
  wall: number;
  /** CPU of the whole process (both threads and the worker), per call. */
  cpu: number;
}

async function measure(run: () => Promise<void> | void): Promise<Cost> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  return {
    wall: (performance.now() - start) / CALLS,
    cpu: (used.user + used.system) / 1000 / CALLS,
  };
}

const show = (cost: Cost) => `${cost.wall.toFixed(4)} wall, ${cost.cpu.toFixed(4)} CPU`;

try {
  const host = createUserCodeHost();
  for (const file of ["grade.mjs", "grade.ts"]) {
    const loadHost = createUserCodeHost();
    const began = performance.now();
    await loadHost.module(join(dir, file)).check("default");
    console.log(`worker ready with ${file}: ${(performance.now() - began).toFixed(0)} ms`);
    await loadHost.close();
  }
  const fn = (
    (await import(pathToFileURL(join(dir, "grade.mjs")).href)) as {
      default: (x: unknown) => boolean;
    }
  ).default;
  const module = host.module(join(dir, "grade.mjs"));
  await module.check("default");
  const call = () =>
    module.call("default", [input, undefined], { label: "bench", timeoutMs: 30_000 });
  for (let i = 0; i < 500; i++) await call(); // warm-up
  const inThread = await measure(() => {
    for (let i = 0; i < CALLS; i++) fn(input);
  });
  const cloned = await measure(() => {
    for (let i = 0; i < CALLS; i++) fn(structuredClone(input));
  });
  const sequential = await measure(async () => {
    for (let i = 0; i < CALLS; i++) await call();
  });
  const concurrent = await measure(async () => {
    const inFlight = new Set<Promise<unknown>>();
    for (let i = 0; i < CALLS; i++) {
      const p = call().finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= 16) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  });
  console.log(`${CALLS} calls of a trivial grader, ms per call:`);
  console.log(`  in this thread:                       ${show(inThread)}`);
  console.log(`  in this thread, input cloned:         ${show(cloned)}`);
  console.log(`  worker round trip, one at a time:     ${show(sequential)}`);
  console.log(`  worker round trip, 16 in flight:      ${show(concurrent)}`);
  await host.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
