import { InputError } from "../core/index.js";

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `7d`, `24h`, `30m`, `2w`, `45s` (before `now`) or an ISO date/time → epoch ms. */
export function parseSince(value: string, flag = "--since", now: number = Date.now()): number {
  const text = value.trim();
  const rel = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i.exec(text);
  if (rel) return now - Number(rel[1]) * (UNIT_MS[(rel[2] as string).toLowerCase()] as number);
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return ms;
  }
  throw new InputError(
    `${flag} must be a duration like 7d, 24h, 30m or an ISO date like 2025-01-31, got '${value}'`,
    { key: flag },
  );
}
