/**
 * Failure attribution benchmark. Run: npx tsx bench/attribute/index.ts [--judge <spec>]
 *
 * Who&When dev (../shared/data/who_and_when/dev.jsonl, 84 failed multi-agent runs with a
 * human label of the responsible agent and the decisive step): agent-level and step-level
 * accuracy per subset for each strategy, beside a random baseline on the same rows. The
 * baseline is the exact expected accuracy of a uniform guess: 1 / (distinct agents of the
 * row, the asker left out) if the labelled agent is among them, and 1 / (steps of the row).
 * Reference points: the paper's best LLM judge, 53.5% agent-level and 14.2% step-level.
 *
 * Judge strategies run with `--judge <spec>` (default `sim:judge`; a real model needs its key
 * in the environment); each costs one to (steps) calls per row. A strategy whose answers could
 * never be read prints "no answer" instead of the heuristic's numbers it fell back to: the
 * sim judge only answers Ratchet's grading protocol, it is not a reasoner, so offline this is
 * a check that the strategies run and fall back cleanly, not a measurement.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  type Attribution,
  attributeHeuristic,
  attributeWithJudge,
  type HeuristicOptions,
  type JudgeStrategy,
  normalizeAgent,
  SIGNAL_WEIGHTS,
  trajectoryFromWhoWhen,
} from "../../src/attribute/index.js";
import { createJudgeRuntime } from "../../src/graders/judge/index.js";
import { parseWhoWhenRow, type WhoWhenRow, whoWhenSpeaker } from "../../src/traces/index.js";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const DEV = here("../../../shared/data/who_and_when/dev.jsonl");

interface Tally {
  rows: number;
  agent: number;
  step: number;
}

const SUBSETS = ["Hand-Crafted", "Algorithm-Generated", "all"] as const;

function rowAgents(row: WhoWhenRow): Set<string> {
  const agents = new Set<string>();
  for (const m of row.history) {
    const agent = normalizeAgent(whoWhenSpeaker(m));
    if (!/^(human|user)$/i.test(agent)) agents.add(agent);
  }
  return agents;
}

function sameAgent(a: string, b: string): boolean {
  return normalizeAgent(a).toLowerCase() === normalizeAgent(b).toLowerCase();
}

function empty(): Record<(typeof SUBSETS)[number], Tally> {
  return {
    "Hand-Crafted": { rows: 0, agent: 0, step: 0 },
    "Algorithm-Generated": { rows: 0, agent: 0, step: 0 },
    all: { rows: 0, agent: 0, step: 0 },
  };
}

function add(t: Record<string, Tally>, subset: string, agent: number, step: number) {
  for (const key of [subset, "all"]) {
    const x = t[key];
    if (!x) continue;
    x.rows++;
    x.agent += agent;
    x.step += step;
  }
}

const pct = (n: number, d: number) => (d === 0 ? "-" : `${((100 * n) / d).toFixed(1)}%`);

async function main() {
  const args = process.argv.slice(2);
  const judgeAt = args.indexOf("--judge");
  const judge = args.includes("--no-judge")
    ? undefined
    : ((judgeAt >= 0 ? args[judgeAt + 1] : undefined) ?? "sim:judge");
  const rows = readFileSync(DEV, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => parseWhoWhenRow(JSON.parse(l)));

  const results = new Map<string, Record<string, Tally> | "no answer">();
  const random = empty();
  const heuristic = empty();
  const started = performance.now();
  for (const row of rows) {
    const subset = row.subset ?? "all";
    const label = row.mistakeAgent ?? "";
    const agents = rowAgents(row);
    const labelled = [...agents].some((a) => sameAgent(a, label));
    add(random, subset, labelled ? 1 / agents.size : 0, 1 / row.history.length);
    const got = attributeHeuristic(trajectoryFromWhoWhen(row));
    add(heuristic, subset, sameAgent(got.agent, label) ? 1 : 0, hit(got, row));
  }
  const heuristicMs = performance.now() - started;
  results.set("random (expected)", random);
  results.set("heuristic (offline)", heuristic);

  // Ablations: what each part of the score contributes (one at a time set to 0).
  const ablations: Array<[string, HeuristicOptions]> = [
    ...Object.keys(SIGNAL_WEIGHTS).map((kind): [string, HeuristicOptions] => [
      `  without ${kind}`,
      { weights: { [kind]: 0 } },
    ]),
    ["  without position prior", { positionWeight: 0 }],
    // A naive baseline: the first worker step after the task, nothing else.
    [
      "  first-action only",
      {
        weights: Object.fromEntries(
          Object.keys(SIGNAL_WEIGHTS).map((k) => [k, k === "first-action" ? 1 : 0]),
        ),
        positionWeight: 0,
      },
    ],
  ];
  for (const [name, options] of ablations) {
    const t = empty();
    for (const row of rows) {
      const got = attributeHeuristic(trajectoryFromWhoWhen(row), options);
      add(
        t,
        row.subset ?? "all",
        sameAgent(got.agent, row.mistakeAgent ?? "") ? 1 : 0,
        hit(got, row),
      );
    }
    results.set(name, t);
  }

  const notes: string[] = [];
  if (judge) {
    const runtime = createJudgeRuntime();
    for (const strategy of ["all-at-once", "step-by-step", "binary-search"] as JudgeStrategy[]) {
      const t = empty();
      let unparsed = 0;
      let fallbacks = 0;
      let calls = 0;
      for (const row of rows) {
        const got = await attributeWithJudge(trajectoryFromWhoWhen(row), {
          strategy,
          model: runtime.model(judge),
          spec: judge,
        });
        unparsed += got.unparsed ?? 0;
        calls += got.calls ?? 0;
        if (got.fallback) fallbacks++;
        add(
          t,
          row.subset ?? "all",
          sameAgent(got.agent, row.mistakeAgent ?? "") ? 1 : 0,
          hit(got, row),
        );
      }
      results.set(`${strategy} (${judge})`, fallbacks === rows.length ? "no answer" : t);
      notes.push(
        `${strategy} with ${judge}: ${calls} calls, ${unparsed} unparsed answers, ${fallbacks}/${rows.length} rows fell back to the heuristic`,
      );
    }
  }

  const header = ["strategy", ...SUBSETS.flatMap((s) => [`${s} agent`, `${s} step`])];
  const lines = [header];
  for (const [name, t] of results) {
    if (t === "no answer") {
      lines.push([name, ...SUBSETS.flatMap(() => ["no answer", "no answer"])]);
      continue;
    }
    lines.push([
      name,
      ...SUBSETS.flatMap((s) => [
        pct(t[s]?.agent ?? 0, t[s]?.rows ?? 0),
        pct(t[s]?.step ?? 0, t[s]?.rows ?? 0),
      ]),
    ]);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? "").length)));
  const counts = heuristic;
  console.log(
    `Who&When dev: ${rows.length} rows (Hand-Crafted ${counts["Hand-Crafted"]?.rows}, Algorithm-Generated ${counts["Algorithm-Generated"]?.rows})`,
  );
  for (const l of lines) console.log(l.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  "));
  console.log("reference: paper's best LLM judge 53.5% agent / 14.2% step (all rows)");
  console.log(`heuristic: ${(heuristicMs / rows.length).toFixed(2)} ms per row`);
  for (const n of notes) console.log(n);
}

function hit(got: Attribution, row: WhoWhenRow): number {
  return got.step.index === row.mistakeStep ? 1 : 0;
}

await main();
