import type { Case } from "../../core/index.js";
import { DEFAULT_MAX_LINE_CHARS, errorMessage, InputError, readLines } from "../../core/index.js";
import { parseWith } from "../issues.js";
import { CaseInputSchema } from "../schema/case.js";
import { finishCase } from "./case.js";
import { parsePlainCase } from "./plain-case.js";

/** One case per line, read line by line so suites larger than memory still stream. */
export async function* readJsonlSuite(file: string, label: string): AsyncGenerator<Case> {
  try {
    for await (const next of readLines(file)) {
      const { line } = next;
      if (next.tooLong) {
        throw new InputError(
          `a ${next.tooLong.chars}-character line is over the ${DEFAULT_MAX_LINE_CHARS}-character limit for one case`,
          { file, line },
        );
      }
      if (next.text.trim() === "") continue;
      let value: unknown;
      try {
        value = JSON.parse(next.text);
      } catch (error) {
        throw new InputError(`invalid JSON: ${errorMessage(error)}`, { file, line });
      }
      const parsed =
        parsePlainCase(value) ??
        parseWith(CaseInputSchema, value, { file, line, locate: () => ({ line }) });
      yield finishCase(parsed, `${label}:${line}`);
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read suite: ${errorMessage(error)}`, { file });
  }
}
