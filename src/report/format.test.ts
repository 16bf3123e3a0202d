import { describe, expect, it } from "vitest";
import { formatCount, formatMs, formatPct, formatScore, formatUsd } from "./index.js";

describe("formatters", () => {
  it("formatUsd keeps small amounts visible", () => {
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(1234.5)).toBe("$1,234.50");
    expect(formatUsd(0.0123)).toBe("$0.0123");
    expect(formatUsd(0.00042)).toBe("$0.00042");
    expect(formatUsd(-2)).toBe("-$2.00");
    expect(formatUsd(Number.NaN)).toBe("n/a");
  });

  it("formatMs picks a unit", () => {
    expect(formatMs(849.6)).toBe("850 ms");
    expect(formatMs(1250)).toBe("1.25 s");
    expect(formatMs(125_000)).toBe("2m 05s");
    expect(formatMs(3_720_000)).toBe("1h 02m");
  });

  it("formatPct, formatScore, formatCount", () => {
    expect(formatPct(0.8125)).toBe("81.3%");
    expect(formatPct(1)).toBe("100.0%");
    expect(formatScore(0.8125)).toBe("0.813");
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatScore(Number.POSITIVE_INFINITY)).toBe("n/a");
  });
});
