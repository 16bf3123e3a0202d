import { gunzip } from "node:zlib";

export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 408 | 413 | 415 | 500 | 503,
    message: string,
  ) {
    super(message);
  }
}

export interface ReadLimits {
  /** Most bytes to accept; past it the read stops with 413. */
  maxBytes: number;
  /**
   * Most milliseconds to wait for the whole body; past it the read stops with 408. A client
   * that sends headers and then trickles (or stalls) must not hold the request forever.
   */
  timeoutMs?: number;
}

/**
 * Read a request body, stopping with 413 as soon as it passes `maxBytes` and with 408 when it
 * is not complete within `timeoutMs`. On 408 the stream is left as is, not cancelled: with
 * @hono/node-server cancelling destroys the socket before the 408 could be written.
 */
export async function readLimited(
  body: ReadableStream<Uint8Array> | null,
  limits: ReadLimits,
): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  const size = await eachChunk(body, limits, (chunk) => chunks.push(chunk));
  return Buffer.concat(chunks, size);
}

/**
 * Read a body to its end and drop it, within the same limits. A request refused before its
 * body was read is answered only after this: a server that answers and closes while the
 * client is still sending makes the client see a reset, not the answer.
 */
export async function discardBody(
  body: ReadableStream<Uint8Array> | null,
  limits: ReadLimits,
): Promise<void> {
  await eachChunk(body, limits, () => undefined);
}

async function eachChunk(
  body: ReadableStream<Uint8Array> | null,
  limits: ReadLimits,
  onChunk: (chunk: Uint8Array) => void,
): Promise<number> {
  if (body === null) return 0;
  const { maxBytes, timeoutMs } = limits;
  const reader = body.getReader();
  let timer: NodeJS.Timeout | undefined;
  const expired =
    timeoutMs === undefined
      ? undefined
      : new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new HttpError(408, `request body not received within ${timeoutMs} ms`)),
            timeoutMs,
          );
        });
  // The race may lose to the deadline while a read is pending; keep that rejection quiet.
  expired?.catch(() => undefined);
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await (expired
        ? Promise.race([reader.read(), expired])
        : reader.read());
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new HttpError(413, `request body larger than ${maxBytes} bytes`);
      }
      onChunk(value);
    }
  } finally {
    clearTimeout(timer);
  }
  return size;
}

/** Inflate with a cap on the output, so a small gzip bomb cannot fill memory. */
export function gunzipLimited(data: Buffer, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(data, { maxOutputLength: limit }, (error, out) => {
      if (!error) return resolve(out);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ERR_BUFFER_TOO_LARGE" || error instanceof RangeError) {
        reject(new HttpError(413, `decompressed body larger than ${limit} bytes`));
      } else {
        reject(new HttpError(400, `invalid gzip body: ${error.message}`));
      }
    });
  });
}
