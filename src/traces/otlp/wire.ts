import protobuf from "protobufjs";
import { decodeTraceRequest } from "./decode.js";
import { OTLP_TRACE_DESCRIPTOR } from "./descriptor.js";
import type { OtlpExportRequest } from "./types.js";

const root = protobuf.Root.fromJSON(OTLP_TRACE_DESCRIPTOR);
// google.rpc.Status, the body of an OTLP/HTTP error response (details omitted).
root.add(
  protobuf.Type.fromJSON("RpcStatus", {
    fields: { code: { type: "int32", id: 1 }, message: { type: "string", id: 2 } },
  }),
);
const StatusType = root.lookupType("RpcStatus");
const RequestType = root.lookupType(
  "opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest",
);
const ResponseType = root.lookupType(
  "opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse",
);

/** Throws on malformed protobuf (truncated, bad wire type, a field of the wrong type…). */
export function decodeExportRequest(bytes: Uint8Array): OtlpExportRequest {
  return decodeTraceRequest(bytes);
}

/** For tests and the benchmark: encode a request object (ids as bytes). */
export function encodeExportRequest(request: OtlpExportRequest): Uint8Array {
  return RequestType.encode(RequestType.fromObject(request)).finish();
}

export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

export function encodeExportResponse(partial?: PartialSuccess): Uint8Array {
  const payload =
    partial === undefined
      ? {}
      : {
          partialSuccess: {
            rejectedSpans: partial.rejectedSpans,
            errorMessage: partial.errorMessage,
          },
        };
  return ResponseType.encode(ResponseType.fromObject(payload)).finish();
}

export function decodeExportResponse(bytes: Uint8Array): { partialSuccess?: PartialSuccess } {
  const obj = ResponseType.toObject(ResponseType.decode(bytes), { longs: Number }) as {
    partialSuccess?: { rejectedSpans?: number; errorMessage?: string };
  };
  if (obj.partialSuccess === undefined) return {};
  return {
    partialSuccess: {
      rejectedSpans: obj.partialSuccess.rejectedSpans ?? 0,
      errorMessage: obj.partialSuccess.errorMessage ?? "",
    },
  };
}

/** OTLP/JSON response body: `{}` on full success. */
export function exportResponseJson(partial?: PartialSuccess): string {
  return JSON.stringify(partial === undefined ? {} : { partialSuccess: partial });
}

export function encodeRpcStatus(code: number, message: string): Uint8Array {
  return StatusType.encode(StatusType.fromObject({ code, message })).finish();
}

export function decodeRpcStatus(bytes: Uint8Array): { code: number; message: string } {
  const obj = StatusType.toObject(StatusType.decode(bytes)) as { code?: number; message?: string };
  return { code: obj.code ?? 0, message: obj.message ?? "" };
}
