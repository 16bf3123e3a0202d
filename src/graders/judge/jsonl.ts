import { InputError } from "../../core/index.js";

/** One non-blank line of a JSONL file, already known to be a JSON object. */
export interface JsonlObject {
  line: number;
  row: Record<string, unknown>;
  /** An error naming the file, this line and (optionally) the key. */
  bad: (message: string, key?: string) => InputError;
}

/**
 * The JSON objects of a JSONL text, one per non-blank line. A line that is not JSON, or not
 * an object, throws an InputError naming the file and line; `shape` describes the expected
 * object in that message.
 */
export function* jsonlObjects(text: string, file: string, shape: string): Generator<JsonlObject> {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === "") continue;
    const line = i + 1;
    const bad = (message: string, key?: string) =>
      new InputError(message, { file, line, ...(key ? { key } : {}) });
    let row: unknown;
    try {
      row = JSON.parse(raw);
    } catch (error) {
      throw bad(`not valid JSON: ${(error as Error).message}`);
    }
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      throw bad(`each line must be ${shape}`);
    }
    yield { line, row: row as Record<string, unknown>, bad };
  }
}
