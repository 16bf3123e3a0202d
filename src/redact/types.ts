/** A kind of sensitive text and the placeholder that replaces it. */
export type RedactionKind = "EMAIL" | "PHONE" | "CARD" | "IBAN" | "SECRET";

export interface CustomPattern {
  name: string;
  /** A JavaScript regular expression source; matched globally. */
  regex: string;
}

export interface RedactionOptions {
  /** Off only when the operator says so; on by default. */
  enabled?: boolean;
  patterns?: CustomPattern[];
  /**
   * Exact values known to be secrets (the API keys and tokens the config names by variable),
   * masked as `<SECRET>` wherever they appear — even when `enabled` is false. Values shorter
   * than 8 characters are ignored (they would mask ordinary words).
   */
  secrets?: readonly string[];
}

/** A span attribute's or a metadata field's value. */
export type EntryValue = string | number | boolean | string[];

export interface Redactor {
  /** The PII and key-name rules are on (`redaction.enabled`). */
  readonly enabled: boolean;
  /** Anything is masked at all: the rules are on, or there are known secret values. */
  readonly active: boolean;
  /**
   * The text with known secret values, values under secret names (`password=…`,
   * `"api_key": "…"`) and every pattern match replaced by its typed placeholder.
   */
  text(value: string): string;
  /**
   * Deep copy of a JSON-like value: strings redacted as text, object keys redacted as text,
   * values under secret key names masked whole, card- and phone-like numbers masked.
   */
  value<T>(value: T): T;
  /** One named value (a span attribute): its redacted key and value. */
  entry<V extends EntryValue>(key: string, value: V): [string, V | string];
}
