/**
 * bench/live: the canary's decisions (canary.ts) and the shadow's cost (shadow.ts), one after
 * the other, each in its own process with the flags given here.
 *
 *   npx tsx bench/live/index.ts [--aa 1000] [--runs 200] [--store-runs 10] [--inputs 500]
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const flags = process.argv.slice(2);
const pick = (names: string[]) =>
  flags.flatMap((flag, i) =>
    names.includes(flag.replace(/^--/, "")) && flags[i + 1] !== undefined
      ? [flag, flags[i + 1] as string]
      : [],
  );

for (const [script, names] of [
  ["canary.ts", ["aa", "runs", "store-runs", "seed"]],
  ["shadow.ts", ["inputs", "concurrency"]],
] as const) {
  console.log(`\n== bench/live/${script}`);
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL(script, import.meta.url)), ...pick([...names])],
    { stdio: "inherit" },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
}
