import { type Attempt, DIMENSIONS, type Run } from "../../core/index.js";
import { renderTable } from "../../report/index.js";
import {
  type ComparePairedResult,
  comparePaired,
  type PairedDimensionInput,
} from "../../stats/index.js";
import type { Store } from "../../store/index.js";

export interface CompareOptions {
  test: "t" | "wilcoxon" | "mcnemar";
  format: "table" | "json";
  seed: number;
}

/** The few numbers a comparison needs from an attempt, so run a fits in memory compactly. */
interface Compact {
  overall: number;
  passed: boolean;
  dims: Attempt["dimension_scores"];
  latency: number;
  cost: number;
}

interface Pairing {
  mode: "case+epoch" | "variant+case+epoch";
  pairs: number;
  onlyInA: number;
  onlyInB: number;
  flips: { fixed: string[]; regressed: string[] };
}

/**
 * Two runs of the same suite compared paired — same case, same epoch (and same variant when
 * both runs have the same several variants) — never as two unrelated samples.
 */
export async function compareRuns(
  store: Store,
  a: Run,
  b: Run,
  options: CompareOptions,
): Promise<string> {
  const byVariant = a.models.length > 1 && a.models.join() === b.models.join();
  const keyOf = (attempt: Attempt) =>
    byVariant
      ? `${attempt.variant} ${attempt.case_id}#${attempt.epoch}`
      : `${attempt.case_id}#${attempt.epoch}`;

  const fromA = new Map<string, Compact>();
  for await (const attempt of store.iterateAttempts(a.id))
    fromA.set(keyOf(attempt), compact(attempt));

  const columns = new Map<string, { a: number[]; b: number[]; higherIsBetter: boolean }>();
  const column = (name: string, higherIsBetter = true) => {
    let entry = columns.get(name);
    if (!entry) {
      entry = { a: [], b: [], higherIsBetter };
      columns.set(name, entry);
    }
    return entry;
  };
  const passA: boolean[] = [];
  const passB: boolean[] = [];
  const pairing: Pairing = {
    mode: byVariant ? "variant+case+epoch" : "case+epoch",
    pairs: 0,
    onlyInA: 0,
    onlyInB: 0,
    flips: { fixed: [], regressed: [] },
  };
  const seen = new Set<string>();
  for await (const attempt of store.iterateAttempts(b.id)) {
    const key = keyOf(attempt);
    const left = fromA.get(key);
    if (!left) {
      pairing.onlyInB++;
      continue;
    }
    seen.add(key);
    const right = compact(attempt);
    pairing.pairs++;
    passA.push(left.passed);
    passB.push(right.passed);
    if (!left.passed && right.passed) pairing.flips.fixed.push(key);
    if (left.passed && !right.passed) pairing.flips.regressed.push(key);
    const overall = column("overall");
    overall.a.push(left.overall);
    overall.b.push(right.overall);
    for (const dimension of DIMENSIONS) {
      const x = left.dims[dimension];
      const y = right.dims[dimension];
      if (x === undefined || y === undefined) continue;
      const entry = column(dimension);
      entry.a.push(x);
      entry.b.push(y);
    }
    const latency = column("latency_ms", false);
    latency.a.push(left.latency);
    latency.b.push(right.latency);
    const cost = column("cost_usd", false);
    cost.a.push(left.cost);
    cost.b.push(right.cost);
  }
  pairing.onlyInA = fromA.size - seen.size;

  if (pairing.pairs === 0) {
    const text = `no pairs: runs ${a.id} and ${b.id} share no (case, epoch); they are not runs of the same suite`;
    return options.format === "json"
      ? JSON.stringify({ a: a.id, b: b.id, pairing, error: text }, null, 2)
      : text;
  }

  const inputs: PairedDimensionInput[] = [...columns.entries()].map(([name, entry]) => ({
    name,
    a: entry.a,
    b: entry.b,
    higherIsBetter: entry.higherIsBetter,
    ...(name === "overall" ? { passA, passB } : {}),
  }));
  const result = comparePaired(inputs, {
    test: options.test === "wilcoxon" ? "wilcoxon" : "t",
    seed: options.seed,
  });

  if (options.format === "json") {
    return JSON.stringify({ a: a.id, b: b.id, pairing, ...result }, null, 2);
  }
  return renderComparison(a, b, pairing, result, options);
}

function compact(attempt: Attempt): Compact {
  return {
    overall: attempt.overall,
    passed: attempt.status === "passed",
    dims: attempt.dimension_scores,
    latency: attempt.latency_ms,
    cost: attempt.cost_usd,
  };
}

function renderComparison(
  a: Run,
  b: Run,
  pairing: Pairing,
  result: ComparePairedResult,
  options: CompareOptions,
): string {
  const lines: string[] = [];
  lines.push(`a = ${a.id} (${a.models.join(", ")})`);
  lines.push(`b = ${b.id} (${b.models.join(", ")})`);
  const dropped = pairing.onlyInA + pairing.onlyInB;
  lines.push(
    `paired by ${pairing.mode}: ${pairing.pairs} pairs` +
      (dropped
        ? `; dropped ${pairing.onlyInA} only in a, ${pairing.onlyInB} only in b (no partner)`
        : "; none dropped"),
  );
  const overall = result.dimensions.find((d) => d.dimension === "overall");
  if (overall?.mcnemar) {
    const m = overall.mcnemar;
    lines.push(
      `pass/fail flips: ${m.b01} fixed (fail→pass), ${m.b10} regressed (pass→fail); McNemar exact p = ${formatNumber(m.pValue)}`,
    );
  }
  lines.push("");
  lines.push(
    renderTable(
      ["dimension", "a", "b", "delta", "95% CI (BCa)", "test", "p", "p (Holm)", "verdict"],
      result.dimensions.map((d) => [
        d.dimension,
        formatNumber(d.meanA),
        formatNumber(d.meanB),
        signed(d.delta),
        `[${formatNumber(d.ci.lower)}, ${formatNumber(d.ci.upper)}]`,
        d.test.name,
        formatNumber(d.test.pValue),
        formatNumber(d.pAdjusted),
        d.verdict === "no_difference" && d.moreCases
          ? `no difference (~${d.moreCases} more cases)`
          : d.verdict.replace("_", " "),
      ]),
    ),
  );
  if (options.test === "mcnemar" && overall?.mcnemar) {
    lines.push("");
    lines.push(
      `McNemar on pass/fail: b01 = ${overall.mcnemar.b01}, b10 = ${overall.mcnemar.b10}, exact p = ${formatNumber(overall.mcnemar.pValue)}`,
    );
  }
  const { fixed, regressed } = pairing.flips;
  if (regressed.length)
    lines.push(
      "",
      `regressed (${regressed.length}): ${regressed.slice(0, 20).join(", ")}${regressed.length > 20 ? ", …" : ""}`,
    );
  if (fixed.length)
    lines.push(
      `fixed (${fixed.length}): ${fixed.slice(0, 20).join(", ")}${fixed.length > 20 ? ", …" : ""}`,
    );
  lines.push("", result.summary);
  return lines.join("\n");
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && Math.abs(value) < 0.001) return value.toExponential(2);
  return value.toFixed(Math.abs(value) >= 100 ? 1 : 4).replace(/\.?0+$/, "") || "0";
}

function signed(value: number): string {
  return value > 0 ? `+${formatNumber(value)}` : formatNumber(value);
}
