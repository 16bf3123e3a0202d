import type { DimensionResult } from "../types.js";

export const pct = (value: number): string => `${(value * 100).toFixed(1)}%`;

export const signedPoints = (value: number): string =>
  `${value >= 0 ? "+" : "−"}${Math.abs(value * 100).toFixed(1)} pts`;

export function pValue(p: number): string {
  if (!Number.isFinite(p)) return "—";
  return p < 0.001 ? "<0.001" : p.toFixed(3);
}

export function interval(d: DimensionResult): string {
  const level = Math.round(d.ci.level * 100);
  return `[${signedPoints(d.ci.lower)}, ${signedPoints(d.ci.upper)}] (${level}%)`;
}

export const VERDICT_MARK = { promote: "✅", block: "⛔", inconclusive: "⚠️" } as const;
