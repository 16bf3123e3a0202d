import { rename } from "node:fs/promises";
import { InputError } from "../../core/index.js";
import { SplitFiles } from "./files.js";
import { isValidation, SeenSet } from "./keys.js";
import type { ExportSummary } from "./types.js";

export interface SinkOptions {
  /** Absolute path of the train file; the validation file sits beside it. */
  out: string;
  validationShare: number;
  seed: number;
}

/**
 * Where examples go once built and redacted: de-duplicated by their normalized key, split
 * by their group, streamed to temporary files, renamed into place by `finish`.
 */
export class ExampleSink {
  readonly skipped: Record<string, number> = {};
  readonly #files: SplitFiles;
  readonly #seen = new SeenSet();

  constructor(private readonly options: SinkOptions) {
    this.#files = new SplitFiles(options.out, options.validationShare > 0);
  }

  skip(reason: string, count = 1): void {
    if (count > 0) this.skipped[reason] = (this.skipped[reason] ?? 0) + count;
  }

  /** Writes the record unless an example with the same key was written before. */
  async add(key: string, group: string, record: unknown): Promise<void> {
    if (!this.#seen.add(key)) {
      this.skip("duplicate");
      return;
    }
    const { seed, validationShare } = this.options;
    await this.#files.write(record, isValidation(group, seed, validationShare));
  }

  /**
   * Renames the files into place and says what was written. Nothing written: the temporary
   * files go and the export fails as bad input, naming why every candidate was left out.
   * A validation file is written only when it holds examples; when every example fell in
   * validation (a handful of cases), they all go to the train file instead.
   */
  async finish(
    summary: Pick<ExportSummary, "kind" | "format" | "sources">,
  ): Promise<ExportSummary> {
    const train = this.#files.train;
    const validation = this.#files.validation;
    const total = train.lines + (validation?.lines ?? 0);
    if (total === 0) {
      await this.#files.discard();
      const reasons = Object.entries(this.skipped)
        .map(([reason, n]) => `${n} ${reason}`)
        .join(", ");
      const what = summary.kind === "dpo" ? "preference pairs" : "examples";
      throw new InputError(
        `nothing to export: no ${what} qualified${reasons ? ` (left out: ${reasons})` : ""}`,
      );
    }
    let trainLines = train.lines;
    let validationLines = validation?.lines ?? 0;
    try {
      if (validation && train.lines === 0) {
        // Train is empty: the examples drawn for validation become the train file.
        await train.discard();
        await validation.close();
        await rename(validation.temp, train.path);
        trainLines = validation.lines;
        validationLines = 0;
      } else if (validation && validation.lines === 0) {
        await validation.discard();
        await train.close();
        await rename(train.temp, train.path);
      } else {
        await this.#files.commit();
      }
    } catch (error) {
      await this.#files.discard();
      throw error;
    }
    return {
      ...summary,
      examples: trainLines + validationLines,
      train: trainLines,
      validation: validationLines,
      skipped: this.skipped,
      files: {
        train: train.path,
        ...(validationLines > 0 && validation ? { validation: validation.path } : {}),
      },
    };
  }

  /** Drops the temporary files (the export failed). */
  async abort(): Promise<void> {
    await this.#files.discard();
  }
}
