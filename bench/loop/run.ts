/**
 * The improvement loop's benchmark (issue 21). Run:
 *   npx tsx bench/loop/run.ts [--profile support,analyst] [--cycles 5] [--json]
 *     [--measure-epochs 3] [--baseline-factor 3] [--minibatch 3] [--keep] [--verbose]
 *
 * For each bundled sim profile, from its plain prompt: `improve --mode auto --preset
 * repair-only` for up to `--cycles` cycles with the rule proposer and with `--model
 * sim:reflector`; then two baselines on the same suite with a call budget of `--baseline-factor`
 * × the loop's calls, read both at the loop's own budget and at the end: (a) a naive rewrite
 * (every failure read at once, the top-N instructions together, best of a few tries on the whole
 * suite), (b) a GEPA-style untargeted reflective search (Pareto parents, minibatches of failing
 * cases from the whole suite, `sim:reflector`, accept on minibatch gain, full-suite validation).
 * Ground truth (`truth.ts`): which habits the suite triggers and its graders see (the seeded
 * modes), and which fire on each prompt (measured on a fresh seed, flakes excluded).
 */

import { promptTokens } from "../../src/optimize/index.js";
import { intFlag, parseFlags } from "../shared/flags.js";
import { calls } from "./accounting.js";
import { whyNotFixed } from "./diagnose.js";
import { gepaSearch } from "./gepa.js";
import { Harness } from "./harness.js";
import { runLoop } from "./loop-variant.js";
import type { MethodResult } from "./method.js";
import { naiveRewrite } from "./naive.js";
import { type BenchProfile, cleanUp, PROFILES } from "./project.js";
import { pct, SCORE_HEADER, scoreRow, stepTable, table } from "./report.js";
import { rolloutsToFix, type Score, scoreAt } from "./score.js";
import { Measurer, type ModeTruth, modeOracle, presentModes } from "./truth.js";

const MEASURE_SEED = 9001;
const ORACLE_SEED = 7;

function phases(m: MethodResult): { evaluation: number; optimization: number; gate: number } {
  const out = { evaluation: 0, optimization: 0, gate: 0 };
  for (const st of m.steps) {
    out.evaluation += st.rollouts?.evaluation ?? 0;
    out.optimization += st.rollouts?.optimization ?? 0;
    out.gate += st.rollouts?.gate ?? 0;
  }
  return out;
}

/** Why each mode stayed, modes with the same reason on one line. */
async function limitsOf(profile: string, m: MethodResult, unfixed: string[]): Promise<string[]> {
  const byReason = new Map<string, string[]>();
  for (const id of unfixed) {
    const why = await whyNotFixed(profile, m, id);
    byReason.set(why, [...(byReason.get(why) ?? []), id]);
  }
  return [...byReason].map(([why, ids]) => `${ids.join(", ")}: ${why}`);
}

interface ProfileReport {
  profile: string;
  cases: number;
  oracle: ModeTruth[];
  seeded: string[];
  plain: { tokens: number; mean: number; present: string[] };
  methods: MethodResult[];
  scores: Record<string, Score>;
  targets: Array<{ target: string; met: boolean; detail: string; limits?: string[] }>;
}

async function benchProfile(
  profile: BenchProfile,
  o: {
    cycles: number;
    allCycles: boolean;
    epochs: number;
    factor: number;
    minibatch: number;
    verbose: boolean;
  },
  say: (line: string) => void,
): Promise<ProfileReport> {
  const progress = o.verbose ? (m: string) => console.error(`  [${profile.name}] ${m}`) : undefined;
  const t0 = performance.now();
  const { modes: oracle, cleanPasses, cases } = await modeOracle(profile, ORACLE_SEED);
  const measurer = new Measurer(profile, o.epochs, MEASURE_SEED);
  const start = await measurer.measure(profile.plain);
  const seeded = oracle
    .filter((t) => t.triggerable && t.visible && (start.present.get(t.id)?.size ?? 0) > 0)
    .map((t) => t.id);
  const plain = {
    tokens: await promptTokens(profile.plain),
    mean: start.mean,
    present: presentModes(seeded, start),
  };
  say(`\n== sim:${profile.name}: ${start.cases.size} cases, plain prompt (${plain.tokens} tokens)`);
  say(
    `failure modes: ${oracle.length} in the profile, ${oracle.filter((t) => t.triggerable).length} triggered by the suite, ${oracle.filter((t) => t.triggerable && t.visible).length} triggered and seen by its graders; seeded (also present on the plain prompt): ${seeded.length}`,
  );
  say(
    table([
      ["mode", "triggered on", "graders see it on", "present on plain", "seeded"],
      ...oracle.map((t) => [
        t.id,
        `${t.triggered} cases`,
        `${t.visibleOn.length} cases`,
        `${start.present.get(t.id)?.size ?? 0} cases`,
        seeded.includes(t.id) ? "yes" : "no",
      ]),
    ]),
  );
  say(
    `(oracle: each habit alone and forced, seed ${ORACLE_SEED}; with no habit ${cleanPasses}/${cases} cases pass)`,
  );
  say(
    `(present: measured on ${o.epochs} epochs, seed ${MEASURE_SEED}; ${start.flaked} firings explained by the sim's flake draw left out)`,
  );

  const methods: MethodResult[] = [];
  for (const variant of [
    { name: "loop (rule proposer)" },
    { name: "loop (sim:reflector)", model: "sim:reflector" },
  ]) {
    const result = await runLoop(profile, {
      ...variant,
      cycles: o.cycles,
      allCycles: o.allCycles,
      seeded,
      measurer,
      ...(progress ? { onProgress: progress } : {}),
    });
    methods.push(result);
    say(
      `\n${result.name}: improve --mode auto --preset repair-only${variant.model ? ` --model ${variant.model}` : ""}`,
    );
    say(stepTable(result, seeded, plain, "cycle"));
    say(result.stopped);
  }
  const loopCalls = Math.max(...methods.map((m) => calls(m.spend)));
  const budget = o.factor * loopCalls;
  const naive = await naiveRewrite(
    await Harness.open(profile, "naive rewrite", budget, seeded, measurer),
  );
  const gepa = await gepaSearch(
    await Harness.open(profile, "GEPA-style search", budget, seeded, measurer),
    { minibatch: o.minibatch, patience: 20, seed: 42 },
  );
  for (const b of [naive, gepa]) {
    methods.push(b);
    say(`\n${b.name} (budget ${budget} calls = ${o.factor} × the loop's ${loopCalls})`);
    say(stepTable(b, seeded, plain, "step"));
    say(b.stopped);
  }

  // Scores: the loops as run; the baselines at each loop's budget and at the end.
  const scores: Record<string, Score> = {};
  const rows: string[][] = [SCORE_HEADER];
  const [loopRule, loopRefl] = methods;
  for (const m of [loopRule!, loopRefl!]) {
    scores[m.name] = scoreAt(m, seeded, plain);
    rows.push(scoreRow(m.name, scores[m.name]!, seeded));
  }
  const ruleCalls = calls(loopRule!.spend);
  for (const b of [naive, gepa]) {
    const same = `${b.name} @ ${ruleCalls} calls (1×)`;
    scores[same] = scoreAt(b, seeded, plain, ruleCalls);
    rows.push(scoreRow(same, scores[same]!, seeded));
    const end = `${b.name} @ end (≤ ${budget})`;
    scores[end] = scoreAt(b, seeded, plain);
    rows.push(scoreRow(end, scores[end]!, seeded));
  }
  say(`\nsummary for sim:${profile.name} (${seeded.length} seeded modes)`);
  say(table(rows));
  for (const m of [loopRule!, loopRefl!]) {
    const by = phases(m);
    say(
      `${m.name}: rollouts by phase: evaluation ${by.evaluation}, optimizer ${by.optimization}, gate ${by.gate} (the cycle records count the first two)`,
    );
  }

  // Targets.
  const targets: ProfileReport["targets"] = [];
  for (const m of [loopRule!, loopRefl!]) {
    const s = scores[m.name]!;
    const share = seeded.length > 0 ? s.fixed.length / seeded.length : 1;
    const unfixed = seeded.filter((id) => !s.fixed.includes(id));
    targets.push({
      target: `${m.name}: ≥ 90% of seeded modes fixed within ${o.cycles} cycles`,
      met: share >= 0.9,
      detail: `${s.fixed.length}/${seeded.length} = ${pct(share)}${unfixed.length ? `; not fixed: ${unfixed.join(", ")}` : ""}`,
      ...(share < 0.9 ? { limits: await limitsOf(profile.name, m, unfixed) } : {}),
    });
    targets.push({
      target: `${m.name}: 0 blocking regressions on previously passing cases`,
      met: s.regressions.length === 0,
      detail: `${s.regressions.length}${s.regressions.length ? ` (${s.regressions.join(", ")})` : ""}`,
      ...(s.regressions.length
        ? {
            limits: m.steps
              .filter((st) => st.regressions.length > 0)
              .map(
                (st) =>
                  `cycle ${st.index} promoted a prompt that fails ${st.regressions.join(", ")} in every epoch on seed ${MEASURE_SEED} (the gate runs seed 42)`,
              ),
          }
        : {}),
    });
  }
  const ruleScore = scores[loopRule!.name]!;
  for (const b of [naive, gepa]) {
    const same = scores[`${b.name} @ ${ruleCalls} calls (1×)`]!;
    const end = scores[`${b.name} @ end (≤ ${budget})`]!;
    const need = rolloutsToFix(b, seeded, ruleScore.fixed.length);
    const loopR = ruleScore.spend.rollouts;
    const ratioEnd = end.spend.rollouts > 0 ? loopR / end.spend.rollouts : Number.POSITIVE_INFINITY;
    const notFewer = ruleScore.fixed.length >= same.fixed.length;
    const third = need === undefined || loopR * 3 <= need;
    const limits: string[] = [];
    if (!notFewer)
      limits.push(
        `at the same budget the ${b.name} fixes ${same.fixed.length} modes, the loop ${ruleScore.fixed.length}`,
      );
    if (!third) {
      const by = phases(loopRule!);
      limits.push(
        `the ${b.name} fixed ${ruleScore.fixed.length} modes after ${need} rollouts, the loop spent ${loopR} (evaluation ${by.evaluation}, optimizer ${by.optimization}, gate ${by.gate})`,
      );
    }
    targets.push({
      target: `loop (rule) vs ${b.name}: at least as many modes fixed, with at most a third of the rollouts`,
      met: notFewer && third,
      detail: `modes ${ruleScore.fixed.length} vs ${same.fixed.length} at ${ruleCalls} calls (${end.fixed.length} at the end); the baseline ${need === undefined ? `never fixed ${ruleScore.fixed.length} modes (stopped after ${end.spend.rollouts} rollouts: ${b.stopped})` : `needed ${need} rollouts to fix ${ruleScore.fixed.length} modes: ratio loop/baseline ${(loopR / need).toFixed(2)}`}; loop rollouts / baseline rollouts at its end ${ratioEnd.toFixed(2)}`,
      ...(limits.length ? { limits } : {}),
    });
  }
  say(`\ntargets for sim:${profile.name}:`);
  for (const t of targets) {
    say(`  [${t.met ? "met" : "MISSED"}] ${t.target}: ${t.detail}`);
    for (const l of t.limits ?? []) say(`      limit: ${l}`);
  }
  say(
    `(${((performance.now() - t0) / 1000).toFixed(1)} s; ${measurer.measured} prompts measured × ${start.cases.size} cases × ${o.epochs} epochs, not counted in any spend)`,
  );
  return {
    profile: profile.name,
    cases: start.cases.size,
    oracle,
    seeded,
    plain,
    methods,
    scores,
    targets,
  };
}

const f = parseFlags(process.argv.slice(2));
const names = (f.get("profile") ?? "support,analyst").split(",");
for (const n of names) if (!(n in PROFILES)) throw new Error(`--profile: unknown profile ${n}`);
const json = f.has("json");
const say = json ? () => {} : (line: string) => console.log(line);
const options = {
  cycles: intFlag(f, "cycles", 5),
  allCycles: f.has("all-cycles"),
  epochs: intFlag(f, "measure-epochs", 3),
  factor: intFlag(f, "baseline-factor", 3),
  minibatch: intFlag(f, "minibatch", 3),
  verbose: f.has("verbose"),
};
const reports: ProfileReport[] = [];
try {
  for (const n of names)
    reports.push(await benchProfile(PROFILES[n as BenchProfile["name"]], options, say));
} finally {
  const kept = cleanUp(f.has("keep"));
  if (kept.length > 0) console.error(`kept: ${kept.join(" ")}`);
}
if (json) console.log(JSON.stringify(reports, null, 2));
else {
  const all = reports.flatMap((r) => r.targets.map((t) => ({ ...t, profile: r.profile })));
  console.log(
    `\noverall: ${all.filter((t) => t.met).length} of ${all.length} targets met${
      all.some((t) => !t.met)
        ? `; missed: ${all
            .filter((t) => !t.met)
            .map((t) => `${t.profile}: ${t.target}`)
            .join("; ")}`
        : ""
    }`,
  );
}
