import { durationMs, InputError } from "../core/index.js";

/** `7d`, `24h`, `30m`, `2w`, `45s` (before `now`) or an ISO date/time → epoch ms. */
export function parseSince(value: string, flag = "--since", now: number = Date.now()): number {
  const text = value.trim();
  const rel = /^\d/.test(text) && !/ms$/i.test(text) ? durationMs(text) : undefined;
  if (rel !== undefined) return now - rel;
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return ms;
  }
  throw new InputError(
    `${flag} must be a duration like 7d, 24h, 30m or an ISO date like 2025-01-31, got '${value}'`,
    { key: flag },
  );
}
