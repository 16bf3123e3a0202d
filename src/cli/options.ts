import { InvalidArgumentError } from "commander";

export function parseIntOption(flag: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `between ${min} and ${max}`;
      throw new InvalidArgumentError(`${flag} must be an integer ${range}, got '${value}'`);
    }
    return parsed;
  };
}

export function parseNumberOption(flag: string, min: number, max = Number.POSITIVE_INFINITY) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
      const range = max === Number.POSITIVE_INFINITY ? `≥ ${min}` : `between ${min} and ${max}`;
      throw new InvalidArgumentError(`${flag} must be a number ${range}, got '${value}'`);
    }
    return parsed;
  };
}
