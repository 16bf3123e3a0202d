/** Number formatting shared by the terminal summary, reports and the CLI. Locale-independent on purpose. */

const NA = "n/a";

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Integer with thousands separators: 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return NA;
  const sign = n < 0 ? "-" : "";
  return sign + groupThousands(String(Math.round(Math.abs(n))));
}

/** $12.34, $0.0123, $0.00042 — small amounts keep two significant digits so they never read as zero. */
export function formatUsd(n: number): string {
  if (!Number.isFinite(n)) return NA;
  const sign = n < 0 ? "-" : "";
  const abs = Math.abs(n);
  if (abs === 0) return "$0.00";
  if (abs >= 1) {
    const [whole, cents] = abs.toFixed(2).split(".");
    return `${sign}$${groupThousands(whole ?? "0")}.${cents ?? "00"}`;
  }
  if (abs >= 0.01) return `${sign}$${abs.toFixed(4)}`;
  const decimals = Math.min(10, 1 - Math.floor(Math.log10(abs)));
  return `${sign}$${abs.toFixed(decimals)}`;
}

/** 850 ms, 1.25 s, 2m 05s, 1h 02m. */
export function formatMs(n: number): string {
  if (!Number.isFinite(n)) return NA;
  if (n < 0) return `-${formatMs(-n)}`;
  if (n < 1000) return `${Math.round(n)} ms`;
  if (n < 60_000) return `${(n / 1000).toFixed(2)} s`;
  const totalSeconds = Math.round(n / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, "0")}m`;
  return `${minutes}m ${String(seconds).padStart(2, "0")}s`;
}

/** A 0..1 fraction as a percentage: 0.8125 → "81.3%". */
export function formatPct(n: number): string {
  if (!Number.isFinite(n)) return NA;
  return `${(n * 100).toFixed(1)}%`;
}

/** A 0..1 score: 0.8125 → "0.813". */
export function formatScore(n: number): string {
  if (!Number.isFinite(n)) return NA;
  return n.toFixed(3);
}

/** The largest counts, largest first (ties by name): `{a: 1, b: 3}` → "b 3, a 1". */
export function formatTopCounts(counts: Record<string, number>, n = 3): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([name, count]) => `${name} ${count}`)
    .join(", ");
}
