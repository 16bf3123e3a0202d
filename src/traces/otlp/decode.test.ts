import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { convertExportRequest } from "./convert.js";
import { decodeTraceRequest } from "./decode.js";
import { OTLP_TRACE_DESCRIPTOR } from "./descriptor.js";
import type { OtlpExportRequest } from "./types.js";
import { encodeExportRequest } from "./wire.js";

// protobufjs, the decoder this one replaced, is the reference: same bytes, same spans.
const RequestType = protobuf.Root.fromJSON(OTLP_TRACE_DESCRIPTOR).lookupType(
  "opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest",
);
const reference = (bytes: Uint8Array) =>
  RequestType.toObject(RequestType.decode(bytes), {
    longs: String,
    enums: Number,
    arrays: false,
  }) as OtlpExportRequest;

const id = (hex: string) => Buffer.from(hex, "hex");
const kv = (key: string, value: Record<string, unknown>) => ({ key, value });

const REQUEST = {
  resourceSpans: [
    {
      resource: { attributes: [kv("service.name", { stringValue: "bot" })] },
      scopeSpans: [
        {
          scope: { name: "s", version: "1" },
          spans: [
            {
              traceId: id("0af7651916cd43dd8448eb211c80319c"),
              spanId: id("b7ad6b7169203331"),
              parentSpanId: id("00f067aa0ba902b7"),
              traceState: "k=v",
              flags: 1,
              name: "chat gpt-4o ✓",
              kind: 3,
              startTimeUnixNano: "1733497200123456789",
              endTimeUnixNano: "1733497201987654321",
              attributes: [
                kv("s", { stringValue: "héllo" }),
                kv("b", { boolValue: true }),
                kv("i", { intValue: "-42" }),
                kv("big", { intValue: "9007199254740993" }),
                kv("d", { doubleValue: 0.25 }),
                kv("arr", { arrayValue: { values: [{ stringValue: "x" }, { stringValue: "y" }] } }),
                kv("mixed", { arrayValue: { values: [{ intValue: "1" }, { boolValue: false }] } }),
                kv("kv", {
                  kvlistValue: {
                    values: [kv("n", { kvlistValue: { values: [kv("z", { doubleValue: 1.5 })] } })],
                  },
                }),
                kv("bytes", { bytesValue: id("deadbeef") }),
                kv("empty", {}),
              ],
              droppedAttributesCount: 3,
              events: [
                {
                  timeUnixNano: "1733497200500000000",
                  name: "retry",
                  attributes: [kv("attempt", { intValue: "2" })],
                },
                { name: "no time" },
              ],
              links: [
                { traceId: id("0af7651916cd43dd8448eb211c80319d"), spanId: id("b7ad6b7169203332") },
              ],
              status: { code: 2, message: "tool failed" },
            },
            {
              traceId: id("0af7651916cd43dd8448eb211c80319c"),
              spanId: id("0102"),
              startTimeUnixNano: "1",
            },
            { traceId: id("0af7651916cd43dd8448eb211c80319c"), spanId: id("c7ad6b7169203331") },
          ],
        },
      ],
    },
    { scopeSpans: [{ spans: [] }, {}] },
  ],
};

describe("decodeTraceRequest", () => {
  const bytes = encodeExportRequest(REQUEST as unknown as OtlpExportRequest);

  it("gives the same spans, rejections and reasons as protobufjs", () => {
    const ours = convertExportRequest(decodeTraceRequest(bytes));
    const theirs = convertExportRequest(reference(bytes));
    expect(ours).toEqual(theirs);
    expect(ours.spans).toHaveLength(1);
    expect(ours.rejected).toBe(2);
  });

  it("reads a Uint8Array that is a view into a larger buffer", () => {
    const padded = new Uint8Array(bytes.length + 7);
    padded.set(bytes, 5);
    const view = padded.subarray(5, 5 + bytes.length);
    expect(convertExportRequest(decodeTraceRequest(view))).toEqual(
      convertExportRequest(reference(bytes)),
    );
  });

  it("an empty body is an empty request", () => {
    expect(decodeTraceRequest(new Uint8Array())).toEqual({});
  });

  it.each<[string, number[]]>([
    ["a length past the end", [0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]],
    ["a truncated varint", [0x0a, 0x80]],
    ["a varint of 11 bytes", [0x10, ...Array(10).fill(0xff), 0x01]],
    ["an unknown wire type", [0x0f]],
    ["a start-group wire type", [0x0b, 0x00]],
    ["resourceSpans as a varint", [0x08, 0x01]],
    ["a truncated fixed64 start time", [0x0a, 0x07, 0x12, 0x05, 0x12, 0x03, 0x39, 0x01, 0x02]],
  ])("throws on %s", (_name, input) => {
    expect(() => decodeTraceRequest(Uint8Array.from(input))).toThrow();
  });

  it("throws on values nested too deep", () => {
    let value = encodeAnyString();
    for (let i = 0; i < 40; i++) value = wrap(0x2a, wrap(0x0a, value));
    const keyValue = Buffer.concat([Buffer.from([0x0a, 0x01, 0x6b]), wrap(0x12, value)]);
    const spanBytes = wrap(0x4a, keyValue);
    const body = wrap(0x0a, wrap(0x12, wrap(0x12, spanBytes)));
    expect(() => decodeTraceRequest(body)).toThrow(/nested deeper/);
  });
});

function encodeAnyString(): Buffer {
  return Buffer.from([0x0a, 0x01, 0x78]);
}

/** A length-delimited field: its tag byte, its varint length, the payload. */
function wrap(tag: number, payload: Buffer): Buffer {
  const length: number[] = [];
  let n = payload.length;
  while (n >= 0x80) {
    length.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  length.push(n);
  return Buffer.concat([Buffer.from([tag, ...length]), payload]);
}
