import type { Histogram } from "hdr-histogram-js";
// The pure-JS 64-bit histogram alone: the package's index also loads its WebAssembly build (with
// pako) and its log writer, whose module body creates an Intl.NumberFormat, ~50 ms of CPU at
// the start of every command (bench/runner, e2e part).
import float64Module from "hdr-histogram-js/dist/Float64Histogram.js";
import { StatsInputError } from "./errors.js";

export interface StreamingPercentilesOptions {
  /**
   * Decimal digits of precision kept by the histogram (1..5, default 3). Every recorded value
   * is reported to within a relative error of 10^-digits.
   */
  significantDigits?: 1 | 2 | 3 | 4 | 5;
  /**
   * Values are stored as integers of 1 / unitsPerValue (default 1000: milliseconds are kept to
   * the microsecond). Rounding adds at most 0.5 / unitsPerValue absolute error.
   */
  unitsPerValue?: number;
}

/**
 * Percentiles over a stream (e.g. latency of 100,000 attempts) without keeping the values,
 * on an HDR histogram (hdr-histogram-js, pure-JS backend, memory independent of the count).
 *
 * Error bound: a reported percentile lies in the same histogram bucket as the exact order
 * statistic x_(ceil(p n)) (R type 1, the inverse empirical CDF), and HDR buckets are at most
 * 10^-digits wide relative to their values. So with the defaults
 *   |reported - exact type-1 quantile| <= 0.001 * exact + 0.001   (value units; the last term is
 *   one storage unit: rounding to 1/1000 plus the bucket's upper edge being reported).
 * Against type 7 the two also differ by the gap between neighbouring order statistics, which
 * is negligible for large n.
 */
type Float64HistogramClass = (typeof float64Module)["default"];
/**
 * A CommonJS module: Node and esbuild give its `module.exports` as the default import, whose
 * `default` is the class; vitest's loader gives the class itself.
 */
const Float64Histogram: Float64HistogramClass =
  typeof float64Module === "function"
    ? (float64Module as unknown as Float64HistogramClass)
    : float64Module.default;

export class StreamingPercentiles {
  private readonly hist: Histogram;
  private readonly scale: number;
  private sum = 0;
  private min = Infinity;
  private max = -Infinity;

  constructor(options: StreamingPercentilesOptions = {}) {
    const digits = options.significantDigits ?? 3;
    if (!Number.isInteger(digits) || digits < 1 || digits > 5) {
      throw new StatsInputError(`significantDigits must be 1..5, got ${String(digits)}`);
    }
    this.scale = options.unitsPerValue ?? 1000;
    if (!(this.scale > 0 && Number.isFinite(this.scale))) {
      throw new StatsInputError(
        `unitsPerValue must be a positive number, got ${String(this.scale)}`,
      );
    }
    // As hdr.build({ bitBucketSize: 64, autoResize: true, lowestDiscernibleValue: 1, ... })
    // builds it: the highest trackable value grows with what is recorded.
    const hist = new Float64Histogram(1, 2, digits);
    hist.autoResize = true;
    this.hist = hist;
  }

  /** Record one value; negative or non-finite values are refused (latencies and costs are >= 0). */
  record(value: number): void {
    if (!(typeof value === "number" && Number.isFinite(value) && value >= 0)) {
      throw new StatsInputError(
        `streaming percentiles take finite values >= 0, got ${String(value)}`,
      );
    }
    this.hist.recordValue(Math.round(value * this.scale));
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  get count(): number {
    return this.hist.totalCount;
  }

  /** Percentile p in [0, 100]. Throws when nothing was recorded. */
  percentile(p: number): number {
    if (!(typeof p === "number" && p >= 0 && p <= 100)) {
      throw new StatsInputError(`percentile must be in [0, 100], got ${String(p)}`);
    }
    if (this.count === 0) throw new StatsInputError("no values recorded");
    // The exact extremes are tracked, so p0 and p100 need no bucket rounding.
    if (p === 0) return this.min;
    if (p === 100) return this.max;
    const v = this.hist.getValueAtPercentile(p) / this.scale;
    return Math.min(this.max, Math.max(this.min, v));
  }

  summary(): {
    count: number;
    mean: number;
    min: number;
    max: number;
    p50: number;
    p95: number;
    p99: number;
  } {
    if (this.count === 0) throw new StatsInputError("no values recorded");
    return {
      count: this.count,
      mean: this.sum / this.count,
      min: this.min,
      max: this.max,
      p50: this.percentile(50),
      p95: this.percentile(95),
      p99: this.percentile(99),
    };
  }

  /** Release the histogram's buffers (only matters for the WebAssembly backend). */
  destroy(): void {
    this.hist.destroy();
  }
}
