import { InputError } from "./errors.js";

export const DURATION_UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** A duration as written: a number and a unit (config schemas validate with it too). */
export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/i;

/** `250ms`, `30s`, `5m`, `1h`, `7d`, `2w` → milliseconds; undefined when it is not one. */
export function durationMs(value: string): number | undefined {
  const match = DURATION_PATTERN.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * (DURATION_UNIT_MS[(match[2] as string).toLowerCase()] as number);
}

/** As `durationMs`, with an error naming `key` when the text is not a duration. */
export function parseDuration(value: string, key: string): number {
  const ms = durationMs(value);
  if (ms === undefined) {
    throw new InputError(`${key} must be a duration like 30s, 5m, 1h or 7d, got '${value}'`, {
      key,
    });
  }
  return ms;
}
