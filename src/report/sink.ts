import { once } from "node:events";
import type { Writable } from "node:stream";
import type { Sink } from "./types.js";

/**
 * Batches small writes into ~64 KiB chunks and honours back-pressure, so memory stays
 * bounded however many attempts flow through.
 */
export class StreamSink implements Sink {
  readonly #stream: Writable;
  readonly #flushAt: number;
  #pending: string[] = [];
  #size = 0;
  #error: unknown;

  constructor(stream: Writable, flushAt = 64 * 1024) {
    this.#stream = stream;
    this.#flushAt = flushAt;
    // Without a listener an async stream error would crash the process instead of failing the write.
    stream.on("error", (error) => {
      this.#error ??= error;
    });
  }

  async write(text: string): Promise<void> {
    this.#throwIfFailed();
    this.#pending.push(text);
    this.#size += text.length;
    if (this.#size >= this.#flushAt) await this.flush();
  }

  async flush(): Promise<void> {
    this.#throwIfFailed();
    if (this.#size === 0) return;
    const chunk = this.#pending.join("");
    this.#pending = [];
    this.#size = 0;
    if (!this.#stream.write(chunk)) await once(this.#stream, "drain");
    this.#throwIfFailed();
  }

  /** Flush and end the stream; resolves once everything is handed to the OS. */
  async end(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.#stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
    });
    this.#throwIfFailed();
  }

  #throwIfFailed(): void {
    if (this.#error !== undefined) throw this.#error;
  }
}
