import type { MetricResult, MetricStatus, Threshold } from "./types.js";

export function breached(value: number, threshold: Threshold): boolean {
  switch (threshold.kind) {
    case "min":
      return value < threshold.value;
    case "max":
      return value > threshold.value;
    case "below":
      return value >= threshold.value;
  }
}

/** A rate's result: `no-data` with `reason` when the denominator is zero. */
export function rateResult(
  base: Omit<MetricResult, "value" | "status" | "reason">,
  emptyReason: string,
): MetricResult {
  if (base.denominator === 0) return { ...base, status: "no-data", reason: emptyReason };
  const value = base.numerator / base.denominator;
  const status: MetricStatus = breached(value, base.threshold) ? "investigate" : "ok";
  return { ...base, value, status };
}
