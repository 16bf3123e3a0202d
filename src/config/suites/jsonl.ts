import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { Case } from "../../core/index.js";
import { errorMessage, InputError } from "../../core/index.js";
import { parseWith } from "../issues.js";
import { CaseInputSchema } from "../schema/case.js";
import { finishCase } from "./case.js";

/** One case per line, read line by line so suites larger than memory still stream. */
export async function* readJsonlSuite(file: string, label: string): AsyncGenerator<Case> {
  const stream = createReadStream(file, { encoding: "utf8" });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === "") continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new InputError(`invalid JSON: ${errorMessage(error)}`, { file, line });
      }
      const parsed = parseWith(CaseInputSchema, value, { file, line, locate: () => ({ line }) });
      yield finishCase(parsed, `${label}:${line}`);
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read suite: ${errorMessage(error)}`, { file });
  } finally {
    lines.close();
    stream.destroy();
  }
}
