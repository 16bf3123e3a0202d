/**
 * Gate benchmark: `npx tsx bench/gate/index.ts --part sim [--runs 1000] [--cases 200]
 * [--epochs 3] [--max-rounds 10] [--resamples 2000] [--tests paired_t_test,wilcoxon]
 * [--sections fixed,passfail,sequential,regressions,speed]`.
 *
 * Parts:
 *  - sim        the decision logic on simulated paired data (sim.ts): false promotions in A/A
 *               gates (fixed and sequential), power at +5 points per test, epochs the
 *               sequential design spends, hidden blocking regressions, bootstrap speed.
 *  - sim-model  gates run end to end on the sim model (sim-model.ts): A/A with whitespace-only
 *               versions (`--gates 20`), and a 200 × 3 gate twice, the second reusing every
 *               stored attempt (`--model-cases 200`, `--model-epochs 3`, `--keep`).
 */
import type { GateTest } from "../../src/gate/types.js";
import { type Flags, intFlag, parseFlags } from "../shared/flags.js";
import { runSim } from "./sim.js";
import { runSimModel } from "./sim-model.js";

const ALL_TESTS: GateTest[] = [
  "paired_t_test",
  "paired_bootstrap",
  "wilcoxon",
  "mcnemar",
  "welch_t_test",
];

/** Each part is a function of the parsed flags; the sim-model part registers here. */
export const PARTS: Record<string, (f: Flags) => void | Promise<void>> = {
  sim: (f) => {
    const tests = (f.get("tests")?.split(",") ?? ALL_TESTS) as GateTest[];
    for (const t of tests)
      if (!ALL_TESTS.includes(t)) throw new Error(`--tests: unknown test ${t}`);
    runSim({
      runs: intFlag(f, "runs", 1000),
      cases: intFlag(f, "cases", 200),
      epochs: intFlag(f, "epochs", 3),
      maxRounds: intFlag(f, "max-rounds", 10),
      resamples: intFlag(f, "resamples", 2000),
      tests,
      hardRuns: intFlag(f, "hard-runs", intFlag(f, "runs", 1000)),
      sections: new Set(
        (f.get("sections") ?? "fixed,passfail,sequential,regressions,speed").split(","),
      ),
    });
  },
  "sim-model": (f) =>
    runSimModel({
      gates: intFlag(f, "gates", 20),
      cases: intFlag(f, "model-cases", 200),
      epochs: intFlag(f, "model-epochs", 3),
      keep: f.has("keep"),
    }),
};

const f = parseFlags(process.argv.slice(2));
const parts = (f.get("part") ?? "sim").split(",");
for (const p of parts) {
  const run = PARTS[p];
  if (!run) {
    console.error(`unknown part ${p}; known: ${Object.keys(PARTS).join(", ")}`);
    process.exit(2);
  }
  await run(f);
}
