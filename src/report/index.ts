export type {
  Flip,
  Pairing,
  PairRunsOptions,
  RunComparison,
} from "./compare-runs.js";
export { pairRuns } from "./compare-runs.js";
export { CSV_HEADERS, CSV_OUTPUT_LIMIT } from "./csv.js";
export { markdownCell, xmlAttr, xmlText } from "./escape.js";
export {
  formatCount,
  formatMs,
  formatPct,
  formatScore,
  formatTopCounts,
  formatUsd,
} from "./format.js";
export { HTML_OUTPUT_LIMIT } from "./html.js";
export { MARKDOWN_FAILURE_LIMIT } from "./markdown.js";
export type { SummaryOptions } from "./summary.js";
export { countErrorClasses, pricingLines, renderFailures, renderSummaryTable } from "./summary.js";
export { renderTable, stripAnsi, visibleWidth } from "./table.js";
export type {
  AttemptSelection,
  AttemptSource,
  ReportFormat,
  TableOptions,
  WriteReportOptions,
} from "./types.js";
export { EXTENSION_FORMATS, REPORT_FORMATS } from "./types.js";
export {
  parseReportFormat,
  reportFormatFor,
  writeReport,
  writeReportToStream,
} from "./write.js";
