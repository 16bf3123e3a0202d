import { convertExportRequest } from "../otlp/convert.js";
import type { OtlpExportRequest } from "../otlp/types.js";
import { requireObject } from "./fields.js";
import { RecordError, type RecordParser } from "./types.js";

/** One ExportTraceServiceRequest (a line, or the whole file). */
export const parseOtlpJsonRecord: RecordParser = (value) => {
  const r = requireObject(value, "OTLP document");
  if (!Array.isArray(r.resourceSpans))
    throw new RecordError("not an ExportTraceServiceRequest: `resourceSpans` is missing");
  let result: ReturnType<typeof convertExportRequest>;
  try {
    result = convertExportRequest(r as OtlpExportRequest);
  } catch (error) {
    throw new RecordError(error instanceof Error ? error.message : String(error));
  }
  return {
    spans: result.spans,
    ...(result.rejected > 0 ? { issues: result.errors.map((e) => `rejected ${e}`) } : {}),
    ...(result.own.length > 0 ? { ownSpans: result.own.length } : {}),
  };
};
