/** Exit codes follow the architecture: 0 ok, 1 gate/threshold failed, 2 usage or input, 3 internal. */
export const EXIT = { ok: 0, failed: 1, input: 2, internal: 3 } as const;

export interface InputLocation {
  file?: string;
  line?: number;
  column?: number;
  /** Dotted path of the offending key or field, e.g. `agent.model` or `cases[3].input`. */
  key?: string;
}

/** Bad input from a user: config, suite, fixture, flag, trace. Always exit 2, one line. */
export class InputError extends Error {
  readonly exitCode = EXIT.input;
  constructor(
    message: string,
    readonly location: InputLocation = {},
  ) {
    super(message);
    this.name = "InputError";
  }

  /** `file:line: key: message`, the form editors and CI logs link to. */
  format(): string {
    const { file, line, column, key } = this.location;
    const where = [file, line, line !== undefined ? column : undefined]
      .filter((part) => part !== undefined)
      .join(":");
    const prefix = where ? `${where}: ` : "";
    const keyPart = key ? `${key}: ` : "";
    return `${prefix}${keyPart}${this.message}`;
  }
}

export class InternalError extends Error {
  readonly exitCode = EXIT.internal;
  override name = "InternalError";
}

export function isInputError(error: unknown): error is InputError {
  return error instanceof InputError;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
