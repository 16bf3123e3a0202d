import { createReadStream } from "node:fs";

/** One line of a text file, numbered from 1, without its line ending. */
export type FileLine =
  | { line: number; text: string; tooLong?: undefined }
  /** A line longer than the limit: skipped without being held in memory. */
  | { line: number; text?: undefined; tooLong: { chars: number } };

export interface ReadLinesOptions {
  /**
   * Longest line kept, in UTF-16 code units (≈ bytes for ASCII). Longer lines are reported
   * as `tooLong` and skipped as they stream past, so one runaway line cannot exhaust memory
   * the way a line reader that buffers whole lines would. Default 64 Mi.
   */
  maxLineChars?: number;
  /** Read size; default 256 KiB (fewer thread-pool round trips than Node's 64 KiB). */
  highWaterMark?: number;
}

export const DEFAULT_MAX_LINE_CHARS = 64 * 1024 * 1024;

/** Streams a file's lines (`\n` or `\r\n`), bounded in memory by `maxLineChars`. */
export async function* readLines(
  path: string,
  options: ReadLinesOptions = {},
): AsyncGenerator<FileLine> {
  const maxLineChars = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  const input = createReadStream(path, {
    encoding: "utf8",
    highWaterMark: options.highWaterMark ?? 256 * 1024,
  });
  let line = 0;
  let partial = "";
  /** Characters of the current line dropped so far; > 0 means the line is being skipped. */
  let skipped = 0;
  const finish = (text: string): FileLine => {
    line++;
    if (skipped > 0) {
      const chars = skipped + text.length;
      skipped = 0;
      return { line, tooLong: { chars } };
    }
    return { line, text: text.endsWith("\r") ? text.slice(0, -1) : text };
  };
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      let start = 0;
      for (;;) {
        const newline = chunk.indexOf("\n", start);
        if (newline === -1) break;
        const piece = chunk.slice(start, newline);
        if (skipped > 0) {
          yield finish(piece);
        } else if (partial.length + piece.length > maxLineChars) {
          skipped = partial.length + piece.length;
          partial = "";
          yield finish("");
        } else {
          const text = partial ? partial + piece : piece;
          partial = "";
          yield finish(text);
        }
        start = newline + 1;
      }
      const rest = chunk.slice(start);
      if (skipped > 0) skipped += rest.length;
      else if (partial.length + rest.length > maxLineChars) {
        skipped = partial.length + rest.length;
        partial = "";
      } else partial += rest;
    }
    if (skipped > 0 || partial !== "") yield finish(partial);
  } finally {
    input.destroy();
  }
}
