import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import { InputError } from "../../core/index.js";

/** `train.jsonl` → `train.validation.jsonl`; `data/train` → `data/train.validation.jsonl`. */
export function validationPath(out: string): string {
  const ext = extname(out);
  const stem = basename(out, ext);
  return join(dirname(out), `${stem}.validation${ext === "" ? ".jsonl" : ext}`);
}

/** The folder must exist and the path must not be a folder; nothing is created here. */
export async function checkOutputPath(out: string, flag = "--out"): Promise<string> {
  const path = resolve(out);
  const folder = dirname(path);
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new InputError(`cannot write ${out}: the folder ${folder} does not exist`, { key: flag });
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new InputError(`cannot write ${out}: it is a folder`, { key: flag });
  }
  return path;
}

class TempFile {
  readonly temp: string;
  readonly #stream: WriteStream;
  #failed: Error | undefined;
  lines = 0;

  constructor(readonly path: string) {
    this.temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
    this.#stream = createWriteStream(this.temp, { flags: "wx" });
    this.#stream.on("error", (error) => {
      this.#failed = error;
    });
  }

  async write(line: string): Promise<void> {
    if (this.#failed) throw this.#failed;
    this.lines++;
    if (!this.#stream.write(`${line}\n`)) await once(this.#stream, "drain");
  }

  async close(): Promise<void> {
    if (this.#stream.closed) return;
    await new Promise<void>((done, fail) => {
      this.#stream.end((error?: Error | null) => (error ? fail(error) : done()));
    }).catch((error: Error) => {
      this.#failed ??= error;
    });
    if (this.#failed) throw this.#failed;
  }

  async discard(): Promise<void> {
    // The file is opened asynchronously and an export may run entirely in microtasks (the
    // store is synchronous): unlinking before the open lands would leave the file behind.
    if (this.#stream.pending && !this.#failed) {
      await once(this.#stream, "ready").catch(() => undefined);
    }
    if (!this.#stream.closed) {
      const closed = once(this.#stream, "close").catch(() => undefined);
      this.#stream.destroy();
      await closed;
    }
    await unlink(this.temp).catch(() => undefined);
  }
}

/**
 * The train file and, when asked for, the validation file, written to temporary files in
 * the same folder and renamed into place only by `commit`: an export that fails or finds
 * nothing leaves no partial file (and no earlier file is replaced).
 */
export class SplitFiles {
  readonly train: TempFile;
  readonly validation: TempFile | undefined;

  constructor(trainPath: string, withValidation: boolean) {
    this.train = new TempFile(trainPath);
    this.validation = withValidation ? new TempFile(validationPath(trainPath)) : undefined;
  }

  async write(record: unknown, toValidation: boolean): Promise<void> {
    const file = toValidation && this.validation ? this.validation : this.train;
    await file.write(JSON.stringify(record));
  }

  async commit(): Promise<void> {
    const files = [this.train, ...(this.validation ? [this.validation] : [])];
    try {
      for (const file of files) await file.close();
      for (const file of files) await rename(file.temp, file.path);
    } catch (error) {
      await this.discard();
      throw error;
    }
  }

  async discard(): Promise<void> {
    await this.train.discard();
    await this.validation?.discard();
  }
}
