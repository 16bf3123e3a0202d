export { redactAttempt } from "./attempt.js";
export { ibanValid, luhnValid } from "./checks.js";
export { isSecretKey, maskKeyValues } from "./keys.js";
export {
  compileCustomPattern,
  createRedactor,
  defaultRedactor,
  placeholderFor,
  redactSecretTokens,
} from "./redactor.js";
export { redactSpan } from "./span.js";
export type {
  CustomPattern,
  EntryValue,
  RedactionKind,
  RedactionOptions,
  Redactor,
} from "./types.js";
