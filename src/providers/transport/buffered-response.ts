/**
 * A `Response` for a body that is already read whole (what model APIs answer outside
 * streaming). undici's `Response` wraps every body in a web `ReadableStream` at construction
 * and reads it back through the stream's reader machinery, which cost about 40 µs of CPU per
 * model call on the runner benchmark (Node 20), as much as a tenth of Ratchet's own work per
 * attempt. This subclass starts from a null body and answers the body methods from the bytes
 * it holds; a stream is built only when `body` is asked for, and then as a single-chunk pull
 * stream (the AI SDK reads the body through `body.getReader()`).
 *
 * The contract kept: it is a real `Response` (`instanceof`, status, headers, `ok`), each body
 * method may be used once (`bodyUsed`, "Body is unusable" after), `text()` decodes UTF-8 as
 * fetch does (a leading BOM dropped, invalid bytes replaced), `clone()` works until the body
 * is used, and `arrayBuffer()` / `bytes()` hand out copies the caller owns.
 */
export function bufferedResponse(bytes: Buffer, init: ResponseInit, url: string): Response {
  return new BufferedResponse(bytes, init, url) as unknown as Response;
}

/**
 * The DOM typings declare `Response`'s members as properties, which a subclass may not
 * redefine as accessors or methods; at run time they are prototype accessors and methods,
 * as in any class. The base is typed with just what this class reads of it.
 */
const ResponseBase = Response as unknown as new (
  body: null,
  init: ResponseInit,
) => { readonly headers: Headers; readonly status: number; readonly statusText: string };

class BufferedResponse extends ResponseBase {
  readonly #bytes: Buffer;
  readonly #url: string;
  #used = false;
  #stream: ReadableStream<Uint8Array> | undefined;

  constructor(bytes: Buffer, init: ResponseInit, url: string) {
    super(null, init);
    this.#bytes = bytes;
    this.#url = url;
  }

  get url(): string {
    return this.#url;
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  get body(): ReadableStream<Uint8Array> {
    if (this.#stream === undefined) {
      const bytes = this.#bytes;
      this.#stream = new ReadableStream<Uint8Array>(
        {
          // Called on the first read only (high-water mark 0): merely looking at `body` does
          // not use it up, as with fetch's own streams.
          pull: (controller) => {
            this.#used = true;
            if (bytes.length > 0) controller.enqueue(copy(bytes));
            controller.close();
          },
          cancel: () => {
            this.#used = true;
          },
        },
        { highWaterMark: 0 },
      );
    }
    return this.#stream;
  }

  async text(): Promise<string> {
    return decodeUtf8(await this.#take());
  }

  async json(): Promise<unknown> {
    return JSON.parse(decodeUtf8(await this.#take()));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#take();
    return copy(bytes).buffer as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array> {
    return copy(await this.#take());
  }

  async blob(): Promise<Blob> {
    const bytes = await this.#take();
    return new Blob([copy(bytes)], { type: this.headers.get("content-type") ?? "" });
  }

  async formData(): Promise<FormData> {
    // Rare for a model API: undici's own parser, on the same bytes and headers.
    const bytes = await this.#take();
    return new Response(copy(bytes), { headers: this.headers }).formData();
  }

  clone(): Response {
    if (this.#used || this.#stream?.locked)
      throw new TypeError("Response.clone: Body has already been consumed.");
    return bufferedResponse(
      this.#bytes,
      {
        status: this.status,
        statusText: this.statusText,
        headers: this.headers,
      },
      this.#url,
    );
  }

  /** The bytes, once: through the stream if one was handed out, directly otherwise. */
  async #take(): Promise<Buffer> {
    if (this.#used || this.#stream?.locked)
      throw new TypeError("Body is unusable: Body has already been read");
    if (this.#stream !== undefined) {
      const chunks: Uint8Array[] = [];
      const reader = this.#stream.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
      }
      return Buffer.concat(chunks);
    }
    this.#used = true;
    return this.#bytes;
  }
}

/** A copy the caller owns: the body's bytes may sit in a shared slab. */
function copy(bytes: Buffer): Uint8Array {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}

/** As fetch's `text()`: UTF-8 with a leading byte-order mark dropped, bad bytes replaced. */
function decodeUtf8(bytes: Buffer): string {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return bytes.toString("utf8", bom ? 3 : 0);
}
