import type { Run } from "../../core/index.js";
import { type Pairing, type PairRunsOptions, pairRuns, renderTable } from "../../report/index.js";
import type { ComparePairedResult } from "../../stats/index.js";
import type { Store } from "../../store/index.js";

export interface CompareOptions extends PairRunsOptions {
  format: "table" | "json";
}

/** `runs compare`: the paired comparison of two runs, as a table or JSON. */
export async function compareRuns(
  store: Store,
  a: Run,
  b: Run,
  options: CompareOptions,
): Promise<string> {
  const compared = await pairRuns(a, b, (id) => store.iterateAttempts(id), options);
  const { pairing } = compared;
  // JSON keeps the flips as the keys it always printed; the attempt ids are for the dashboard.
  const flips = {
    fixed: pairing.flips.fixed.map((f) => f.key),
    regressed: pairing.flips.regressed.map((f) => f.key),
  };
  if ("error" in compared) {
    return options.format === "json"
      ? JSON.stringify(
          { a: a.id, b: b.id, pairing: { ...pairing, flips }, error: compared.error },
          null,
          2,
        )
      : compared.error;
  }
  if (options.format === "json") {
    return JSON.stringify(
      { a: a.id, b: b.id, pairing: { ...pairing, flips }, ...compared.result },
      null,
      2,
    );
  }
  return renderComparison(a, b, pairing, compared.result, options);
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
      `regressed (${regressed.length}): ${regressed
        .slice(0, 20)
        .map((f) => f.key)
        .join(", ")}${regressed.length > 20 ? ", …" : ""}`,
    );
  if (fixed.length)
    lines.push(
      `fixed (${fixed.length}): ${fixed
        .slice(0, 20)
        .map((f) => f.key)
        .join(", ")}${fixed.length > 20 ? ", …" : ""}`,
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
