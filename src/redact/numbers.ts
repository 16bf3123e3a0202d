import { luhnValid } from "./checks.js";
import { isPhoneKey } from "./keys.js";
import type { RedactionKind } from "./types.js";

/**
 * The kind of personal data a number is, if any. Numbers are not text: a bare digit run in
 * text is never taken for a phone (ids and timestamps must survive), so numbers get rules of
 * their own that keep timestamps (10 digits in seconds, 13 in milliseconds, 16 and 19 in
 * micro- and nanoseconds, all starting with 1 until 2033) and counts apart:
 * - a card: 13 to 19 digits, an issuer's first digit (2 to 6) and a valid Luhn checksum;
 * - a phone: 7 to 15 digits under a key that names a phone (`user.phone`), or 11 or 12 digits
 *   under any key (an international number written without `+`, as exporters send them).
 */
export function numberKind(value: number, key: string | undefined): RedactionKind | undefined {
  if (!Number.isInteger(value) || value < 1_000_000 || value >= 1e21) return undefined;
  const digits = String(value);
  if (
    digits.length >= 13 &&
    digits.length <= 19 &&
    digits[0]! >= "2" &&
    digits[0]! <= "6" &&
    luhnValid(digits)
  ) {
    return "CARD";
  }
  if (digits.length === 11 || digits.length === 12) return "PHONE";
  if (digits.length <= 15 && key !== undefined && isPhoneKey(key)) return "PHONE";
  return undefined;
}
