import { gunzip } from "node:zlib";

export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 413 | 415 | 500 | 503,
    message: string,
  ) {
    super(message);
  }
}

/** Read a request body, stopping (413) as soon as it passes `limit` bytes. */
export async function readLimited(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Buffer> {
  if (body === null) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new HttpError(413, `request body larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
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
