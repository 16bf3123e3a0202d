import type { OtlpAnyValue, OtlpExportRequest, OtlpKeyValue, OtlpSpan } from "./types.js";

/**
 * A direct decoder of ExportTraceServiceRequest bytes into the plain shape `convert.ts` reads
 * (the fields it reads; others are skipped by wire type). protobufjs built a message object
 * per value with every default on it and then copied it with `toObject`: together about
 * 30 ms of CPU per 1,000 spans, more than the rest of the request. Fields absent on the wire
 * are absent here; ids are views on the body; 64-bit numbers are `{ low, high }`.
 *
 * Throws `Error` on malformed input: truncation, an unknown wire type, a field with the
 * wrong wire type, values nested deeper than MAX_DEPTH.
 */

const VARINT = 0;
const FIXED64 = 1;
const LENGTH = 2;
const FIXED32 = 5;
const MAX_DEPTH = 32;

class Reader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  get more(): boolean {
    return this.pos < this.end;
  }

  /** A varint's low 32 bits (unsigned); the rest of a longer varint is consumed. */
  uint32(): number {
    let value = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.pos >= this.end) throw new Error(`truncated varint at byte ${this.pos}`);
      const byte = this.buf[this.pos++] as number;
      if (shift < 32) value |= (byte & 0x7f) << shift;
      if (byte < 0x80) return value >>> 0;
    }
    throw new Error(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  /** A 64-bit varint as two 32-bit halves. */
  long(): { low: number; high: number } {
    let low = 0;
    let high = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.pos >= this.end) throw new Error(`truncated varint at byte ${this.pos}`);
      const byte = this.buf[this.pos++] as number;
      const bits = byte & 0x7f;
      if (shift < 28) low |= bits << shift;
      else if (shift === 28) {
        low |= bits << 28;
        high |= bits >>> 4;
      } else high |= bits << (shift - 32);
      if (byte < 0x80) return { low: low | 0, high: high | 0 };
    }
    throw new Error(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  fixed64(): { low: number; high: number } {
    this.need(8);
    const low = this.buf.readInt32LE(this.pos);
    const high = this.buf.readInt32LE(this.pos + 4);
    this.pos += 8;
    return { low, high };
  }

  double(): number {
    this.need(8);
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  /** The bounds of a length-delimited field's payload; the reader moves past it. */
  span(): [number, number] {
    const length = this.uint32();
    this.need(length);
    const start = this.pos;
    this.pos += length;
    return [start, this.pos];
  }

  string(): string {
    const [start, end] = this.span();
    return this.buf.toString("utf8", start, end);
  }

  bytes(): Buffer {
    const [start, end] = this.span();
    return this.buf.subarray(start, end);
  }

  sub(): Reader {
    const [start, end] = this.span();
    return new Reader(this.buf, start, end);
  }

  skip(wire: number): void {
    if (wire === VARINT) this.uint32();
    else if (wire === FIXED64) this.move(8);
    else if (wire === LENGTH) this.span();
    else if (wire === FIXED32) this.move(4);
    else throw new Error(`unsupported wire type ${wire} at byte ${this.pos}`);
  }

  private move(n: number): void {
    this.need(n);
    this.pos += n;
  }

  private need(n: number): void {
    if (this.end - this.pos < n) throw new Error(`truncated field at byte ${this.pos}`);
  }
}

/** A repeated field's list, created on its first element (absent lists stay absent). */
function append<T>(list: T[] | undefined, item: T): T[] {
  if (list === undefined) return [item];
  list.push(item);
  return list;
}

/** Throws when a known field arrives with another wire type than its type's. */
function expectWire(wire: number, expected: number, field: number, message: string): void {
  if (wire !== expected) {
    throw new Error(`${message}.${field}: wire type ${wire}, expected ${expected}`);
  }
}

/**
 * The `values` (field 1) of an ArrayValue or KeyValueList, each read by `read` one level
 * deeper. `read` is a top-level function, so no closure is made per list.
 */
function nestedValues<T>(
  list: Reader,
  read: (r: Reader, depth: number) => T,
  depth: number,
  message: string,
): T[] {
  const values: T[] = [];
  while (list.more) {
    const t = list.uint32();
    if (t >>> 3 === 1) {
      expectWire(t & 7, LENGTH, 1, message);
      values.push(read(list.sub(), depth));
    } else list.skip(t & 7);
  }
  return values;
}

function anyValue(r: Reader, depth: number): OtlpAnyValue {
  if (depth > MAX_DEPTH) throw new Error(`attribute values nested deeper than ${MAX_DEPTH}`);
  const v: OtlpAnyValue = {};
  while (r.more) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    switch (field) {
      case 1:
        expectWire(wire, LENGTH, field, "AnyValue");
        v.stringValue = r.string();
        break;
      case 2:
        expectWire(wire, VARINT, field, "AnyValue");
        v.boolValue = r.uint32() !== 0;
        break;
      case 3:
        expectWire(wire, VARINT, field, "AnyValue");
        v.intValue = r.long();
        break;
      case 4:
        expectWire(wire, FIXED64, field, "AnyValue");
        v.doubleValue = r.double();
        break;
      case 5:
        expectWire(wire, LENGTH, field, "AnyValue");
        v.arrayValue = { values: nestedValues(r.sub(), anyValue, depth + 1, "ArrayValue") };
        break;
      case 6:
        expectWire(wire, LENGTH, field, "AnyValue");
        v.kvlistValue = { values: nestedValues(r.sub(), keyValue, depth + 1, "KeyValueList") };
        break;
      case 7:
        expectWire(wire, LENGTH, field, "AnyValue");
        v.bytesValue = r.bytes();
        break;
      default:
        r.skip(wire);
    }
  }
  return v;
}

function keyValue(r: Reader, depth: number): OtlpKeyValue {
  const kv: OtlpKeyValue = {};
  while (r.more) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 1) {
      expectWire(tag & 7, LENGTH, field, "KeyValue");
      kv.key = r.string();
    } else if (field === 2) {
      expectWire(tag & 7, LENGTH, field, "KeyValue");
      kv.value = anyValue(r.sub(), depth);
    } else r.skip(tag & 7);
  }
  return kv;
}

/** One more KeyValue of a repeated `attributes` field. */
function pushKeyValue(
  list: OtlpKeyValue[] | undefined,
  r: Reader,
  wire: number,
  field: number,
  where: string,
): OtlpKeyValue[] {
  expectWire(wire, LENGTH, field, where);
  return append(list, keyValue(r.sub(), 0));
}

function event(r: Reader): NonNullable<OtlpSpan["events"]>[number] {
  const e: NonNullable<OtlpSpan["events"]>[number] = {};
  while (r.more) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1) {
      expectWire(wire, FIXED64, field, "Event");
      e.timeUnixNano = r.fixed64();
    } else if (field === 2) {
      expectWire(wire, LENGTH, field, "Event");
      e.name = r.string();
    } else if (field === 3) e.attributes = pushKeyValue(e.attributes, r, wire, field, "Event");
    else r.skip(wire);
  }
  return e;
}

type OtlpLink = NonNullable<OtlpSpan["links"]>[number];

/** Span.Link: trace_id (1), span_id (2), attributes (4); trace_state and flags are not kept. */
function link(r: Reader): OtlpLink {
  const l: OtlpLink = {};
  while (r.more) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1) {
      expectWire(wire, LENGTH, field, "Link");
      l.traceId = r.bytes();
    } else if (field === 2) {
      expectWire(wire, LENGTH, field, "Link");
      l.spanId = r.bytes();
    } else if (field === 4) l.attributes = pushKeyValue(l.attributes, r, wire, field, "Link");
    else r.skip(wire);
  }
  return l;
}

function status(r: Reader): NonNullable<OtlpSpan["status"]> {
  const s: NonNullable<OtlpSpan["status"]> = {};
  while (r.more) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 2) {
      expectWire(wire, LENGTH, field, "Status");
      s.message = r.string();
    } else if (field === 3) {
      expectWire(wire, VARINT, field, "Status");
      s.code = r.uint32() | 0;
    } else r.skip(wire);
  }
  return s;
}

function span(r: Reader): OtlpSpan {
  const s: OtlpSpan = {};
  while (r.more) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    switch (field) {
      case 1:
        expectWire(wire, LENGTH, field, "Span");
        s.traceId = r.bytes();
        break;
      case 2:
        expectWire(wire, LENGTH, field, "Span");
        s.spanId = r.bytes();
        break;
      case 4:
        expectWire(wire, LENGTH, field, "Span");
        s.parentSpanId = r.bytes();
        break;
      case 5:
        expectWire(wire, LENGTH, field, "Span");
        s.name = r.string();
        break;
      case 6:
        expectWire(wire, VARINT, field, "Span");
        s.kind = r.uint32() | 0;
        break;
      case 7:
        expectWire(wire, FIXED64, field, "Span");
        s.startTimeUnixNano = r.fixed64();
        break;
      case 8:
        expectWire(wire, FIXED64, field, "Span");
        s.endTimeUnixNano = r.fixed64();
        break;
      case 9:
        s.attributes = pushKeyValue(s.attributes, r, wire, field, "Span");
        break;
      case 11:
        expectWire(wire, LENGTH, field, "Span");
        s.events = append(s.events, event(r.sub()));
        break;
      case 13:
        expectWire(wire, LENGTH, field, "Span");
        s.links = append(s.links, link(r.sub()));
        break;
      case 15:
        expectWire(wire, LENGTH, field, "Span");
        s.status = status(r.sub());
        break;
      default:
        r.skip(wire);
    }
  }
  return s;
}

type ResourceSpans = NonNullable<OtlpExportRequest["resourceSpans"]>[number];
type ScopeSpans = NonNullable<ResourceSpans["scopeSpans"]>[number];

type Scope = NonNullable<ScopeSpans["scope"]>;

/** InstrumentationScope: name (1), version (2), attributes (3). */
function scope(r: Reader): Scope {
  const sc: Scope = {};
  while (r.more) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1) {
      expectWire(wire, LENGTH, field, "InstrumentationScope");
      sc.name = r.string();
    } else if (field === 2) {
      expectWire(wire, LENGTH, field, "InstrumentationScope");
      sc.version = r.string();
    } else if (field === 3)
      sc.attributes = pushKeyValue(sc.attributes, r, wire, field, "InstrumentationScope");
    else r.skip(wire);
  }
  return sc;
}

function scopeSpans(r: Reader): ScopeSpans {
  const ss: ScopeSpans = {};
  while (r.more) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 1) {
      expectWire(tag & 7, LENGTH, 1, "ScopeSpans");
      ss.scope = scope(r.sub());
    } else if (field === 2) {
      expectWire(tag & 7, LENGTH, 2, "ScopeSpans");
      ss.spans = append(ss.spans, span(r.sub()));
    } else r.skip(tag & 7);
  }
  return ss;
}

function resourceSpans(r: Reader): ResourceSpans {
  const rs: ResourceSpans = {};
  while (r.more) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1) {
      expectWire(wire, LENGTH, field, "ResourceSpans");
      const resource = r.sub();
      const out: { attributes?: OtlpKeyValue[] } = {};
      while (resource.more) {
        const t = resource.uint32();
        if (t >>> 3 === 1)
          out.attributes = pushKeyValue(out.attributes, resource, t & 7, 1, "Resource");
        else resource.skip(t & 7);
      }
      rs.resource = out;
    } else if (field === 2) {
      expectWire(wire, LENGTH, field, "ResourceSpans");
      rs.scopeSpans = append(rs.scopeSpans, scopeSpans(r.sub()));
    } else r.skip(wire);
  }
  return rs;
}

export function decodeTraceRequest(bytes: Uint8Array): OtlpExportRequest {
  const buf = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const r = new Reader(buf, 0, buf.length);
  const request: OtlpExportRequest = {};
  while (r.more) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) {
      expectWire(tag & 7, LENGTH, 1, "ExportTraceServiceRequest");
      request.resourceSpans = append(request.resourceSpans, resourceSpans(r.sub()));
    } else r.skip(tag & 7);
  }
  return request;
}
