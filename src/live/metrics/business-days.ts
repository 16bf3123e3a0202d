const DAY_MS = 86_400_000;

/** Saturday or Sunday, in UTC (the store's times are UTC). */
function weekend(ms: number): boolean {
  const day = new Date(ms).getUTCDay();
  return day === 0 || day === 6;
}

/**
 * The time `days` business days after `iso`, at the same time of day: each step moves one
 * calendar day and counts only when it lands on a weekday. A failure on Friday 10:00 with two
 * business days is due Tuesday 10:00; one on Saturday is due Tuesday too.
 */
export function addBusinessDays(iso: string, days: number): Date {
  let ms = Date.parse(iso);
  let left = Math.floor(days);
  while (left > 0) {
    ms += DAY_MS;
    if (!weekend(ms)) left -= 1;
  }
  return new Date(ms);
}
