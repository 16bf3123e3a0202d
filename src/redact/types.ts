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
}

export interface Redactor {
  readonly enabled: boolean;
  /** The text with every match replaced by its typed placeholder (`<EMAIL>`, `<SECRET>`…). */
  text(value: string): string;
  /** Deep copy of a JSON-like value with every string redacted. */
  value<T>(value: T): T;
}
