/**
 * ExportTraceServiceRequest as it arrives, from protobuf (ids as bytes, 64-bit numbers as
 * decimal strings) or OTLP/JSON (ids as hex, numbers as strings or numbers). Every field is
 * optional and loosely typed because the input is untrusted; `convert.ts` validates.
 */
export type OtlpId = string | Uint8Array;
export type OtlpLong = string | number | { low: number; high: number };

export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: OtlpLong;
  doubleValue?: number | string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
  bytesValue?: string | Uint8Array;
}

export interface OtlpKeyValue {
  key?: string;
  value?: OtlpAnyValue;
}

export interface OtlpSpan {
  traceId?: OtlpId;
  spanId?: OtlpId;
  parentSpanId?: OtlpId;
  name?: string;
  kind?: number | string;
  startTimeUnixNano?: OtlpLong;
  endTimeUnixNano?: OtlpLong;
  attributes?: OtlpKeyValue[];
  events?: Array<{ timeUnixNano?: OtlpLong; name?: string; attributes?: OtlpKeyValue[] }>;
  status?: { code?: number | string; message?: string };
  links?: Array<{ traceId?: OtlpId; spanId?: OtlpId; attributes?: OtlpKeyValue[] }>;
}

export interface OtlpExportRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: Array<{
      scope?: { name?: string; version?: string; attributes?: OtlpKeyValue[] };
      spans?: OtlpSpan[];
    }>;
  }>;
}
