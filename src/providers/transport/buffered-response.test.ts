import { describe, expect, it } from "vitest";
import { bufferedResponse } from "./buffered-response.js";

const init = (headers: Record<string, string> = {}): ResponseInit => ({
  status: 200,
  statusText: "OK",
  headers: { "content-type": "application/json", ...headers },
});

/** The same bytes as undici's own Response and as ours: every observation must agree. */
function both(bytes: Uint8Array | string, headers?: Record<string, string>): [Response, Response] {
  const buffer = Buffer.from(typeof bytes === "string" ? Buffer.from(bytes) : bytes);
  return [
    new Response(buffer, init(headers)),
    bufferedResponse(buffer, init(headers), "http://x/"),
  ];
}

async function readStream(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "<null>";
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  reader.releaseLock();
  return Buffer.concat(chunks).toString("utf8");
}

describe("bufferedResponse behaves as fetch's Response for a whole body", () => {
  it("is a Response with status, headers, ok and url", () => {
    const response = bufferedResponse(Buffer.from("{}"), init({ "x-a": "1" }), "http://h/p");
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(200);
    expect(response.statusText).toBe("OK");
    expect(response.ok).toBe(true);
    expect(response.url).toBe("http://h/p");
    expect(response.headers.get("x-a")).toBe("1");
    expect([...response.headers]).toEqual([
      ["content-type", "application/json"],
      ["x-a", "1"],
    ]);
  });

  it("reads text, json, arrayBuffer, bytes and blob as undici does", async () => {
    const body = '{"q":"é","n":1}';
    for (const read of [
      (r: Response) => r.text(),
      (r: Response) => r.json(),
      async (r: Response) => Buffer.from(await r.arrayBuffer()).toString("utf8"),
      async (r: Response) =>
        Buffer.from(await (r as Response & { bytes(): Promise<Uint8Array> }).bytes()).toString(
          "utf8",
        ),
      async (r: Response) => {
        const blob = await r.blob();
        return [blob.type, await blob.text()];
      },
      readStream,
    ]) {
      const [theirs, ours] = both(body);
      expect(await read(ours)).toEqual(await read(theirs));
      expect(ours.bodyUsed).toBe(theirs.bodyUsed);
    }
  });

  it("drops a leading byte-order mark and replaces invalid UTF-8 in text()", async () => {
    const bytes = Uint8Array.from([0xef, 0xbb, 0xbf, 0x61, 0xff, 0x62, 0xe2, 0x82]);
    const [theirs, ours] = both(bytes);
    expect(await ours.text()).toBe(await theirs.text());
  });

  it("lets the body be used once: a second read and a late clone fail like undici's", async () => {
    const [theirs, ours] = both("{}");
    expect(theirs.bodyUsed).toBe(false);
    expect(ours.bodyUsed).toBe(false);
    await ours.text();
    await theirs.text();
    expect(ours.bodyUsed).toBe(true);
    await expect(ours.json()).rejects.toThrow(TypeError);
    await expect(theirs.json()).rejects.toThrow(TypeError);
    expect(() => ours.clone()).toThrow(TypeError);
    expect(() => theirs.clone()).toThrow(TypeError);
  });

  it("does not count looking at `body` as using it, and counts reading it", async () => {
    const [, ours] = both('{"a":1}');
    expect(ours.body).not.toBeNull();
    expect(ours.bodyUsed).toBe(false);
    expect(await readStream(ours)).toBe('{"a":1}');
    expect(ours.bodyUsed).toBe(true);
    await expect(ours.text()).rejects.toThrow(TypeError);
  });

  it("reads through the stream once it was handed out, and refuses while it is locked", async () => {
    const [, ours] = both('{"a":1}');
    const stream = ours.body;
    expect(await ours.json()).toEqual({ a: 1 });
    expect(stream?.locked).toBe(true);
    const [, locked] = both("x");
    locked.body?.getReader();
    await expect(locked.text()).rejects.toThrow(TypeError);
  });

  it("clones before use, each copy readable on its own", async () => {
    const [, ours] = both('{"a":1}');
    const copy = ours.clone();
    expect(copy).toBeInstanceOf(Response);
    expect(copy.headers.get("content-type")).toBe("application/json");
    expect(await copy.json()).toEqual({ a: 1 });
    expect(await ours.json()).toEqual({ a: 1 });
  });

  it("hands out bytes the caller owns", async () => {
    const source = Buffer.from("abc");
    const response = bufferedResponse(source, init(), "http://x/");
    const bytes = new Uint8Array(await response.arrayBuffer());
    bytes[0] = 0x7a;
    expect(source.toString()).toBe("abc");
  });

  it("reads an empty body as undici does", async () => {
    const [theirs, ours] = both("");
    expect(await readStream(ours)).toBe(await readStream(theirs));
    const [theirsText, oursText] = both("");
    expect(await oursText.text()).toBe(await theirsText.text());
  });
});
