import { formatPct, renderTable } from "../../report/index.js";
import type { MetricResult, MetricsReport, Threshold } from "./types.js";

function amount(value: number, unit: Threshold["unit"]): string {
  return unit === "rate" ? formatPct(value) : String(value);
}

/** The healthy side, e.g. `≥ 90.0%`, `≤ 5.0%`, `< 2`. */
export function thresholdText(t: Threshold): string {
  const op = t.kind === "min" ? "≥" : t.kind === "max" ? "≤" : "<";
  return `${op} ${amount(t.value, t.unit)}`;
}

function valueText(m: MetricResult): string {
  if (m.value === undefined) return "no data";
  const v = amount(m.value, m.threshold.unit);
  return m.threshold.unit === "rate" ? `${v} (${m.numerator}/${m.denominator})` : v;
}

/** Table first, then how each metric is measured, then per breach what to do and on what. */
export function metricsText(report: MetricsReport): string {
  const lines = [
    `Loop health over ${report.window} (${report.since} → ${report.now})`,
    "",
    renderTable(
      ["metric", "value", "threshold", "status"],
      report.metrics.map((m) => [m.name, valueText(m), thresholdText(m.threshold), m.status]),
    ),
    "",
    "How measured:",
  ];
  for (const m of report.metrics) {
    lines.push(`  ${m.name}: ${m.how}${m.reason ? `. No data: ${m.reason}` : ""}`);
  }
  for (const m of report.metrics.filter((x) => x.status === "investigate")) {
    lines.push(
      "",
      `${m.name} — investigate (${valueText(m)}, wanted ${thresholdText(m.threshold)})`,
    );
    lines.push(`  what to do: ${m.action}`);
    for (const item of m.items.slice(0, 20)) lines.push(`  - ${item.id}: ${item.detail}`);
    if (m.items.length > 20) lines.push(`  … and ${m.items.length - 20} more (--json lists all)`);
  }
  lines.push(
    "",
    report.breaches.length === 0
      ? "Every metric is within its threshold or has no data yet."
      : `${report.breaches.length} metric(s) need attention.`,
  );
  return lines.join("\n");
}
