export { ibanValid, luhnValid } from "./checks.js";
export {
  compileCustomPattern,
  createRedactor,
  defaultRedactor,
  placeholderFor,
  redactSecretTokens,
} from "./redactor.js";
export type { CustomPattern, RedactionKind, RedactionOptions, Redactor } from "./types.js";
