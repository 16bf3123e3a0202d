import { describe, expect, it } from "vitest";
import { convertExportRequest, nanosToMs } from "./convert.js";

/** The reference: BigInt floor division, as the decimal-string path computes it. */
const reference = (ns: bigint) => Number(ns / 1000n) / 1000;
const halves = (ns: bigint) => ({
  low: Number(ns & 0xffffffffn) | 0,
  high: Number(ns >> 32n) | 0,
});

describe("nanosToMs on protobuf {low, high} values", () => {
  const samples = [
    1n,
    999n,
    1_000n,
    4_294_967_295n,
    4_294_967_296n,
    1_700_000_000_123_456_789n,
    1_733_497_200_999_999_999n,
    // Past 2^53 microseconds (year 2255): must still be exact, through BigInt.
    9_007_199_254_740_993_123n,
    18_446_744_073_709_551_615n,
  ];
  it.each(samples.map((ns) => [ns]))("%s ns", (ns) => {
    expect(nanosToMs(halves(ns))).toBe(reference(ns));
    expect(nanosToMs(String(ns))).toBe(reference(ns));
  });

  it("a signed int64 attribute in halves becomes its number", () => {
    const span = {
      traceId: "ab".repeat(16),
      spanId: "cd".repeat(8),
      startTimeUnixNano: halves(1_700_000_000_000_000_000n),
      attributes: [
        { key: "pos", value: { intValue: halves(412n) } },
        { key: "neg", value: { intValue: halves(-5n & 0xffffffffffffffffn) } },
        { key: "big", value: { intValue: halves(6_000_000_000n) } },
      ],
    };
    const { spans } = convertExportRequest({
      resourceSpans: [{ scopeSpans: [{ spans: [span] }] }],
    });
    expect(spans[0]?.attributes).toMatchObject({ pos: 412, neg: -5, big: 6_000_000_000 });
    expect(spans[0]?.start_ms).toBe(1_700_000_000_000);
  });
});
