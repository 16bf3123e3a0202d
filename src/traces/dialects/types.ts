import type { Span } from "../../core/index.js";

export type Attributes = Span["attributes"];

/** Maps one attribute vocabulary onto the OpenTelemetry GenAI conventions, in place. */
export interface Dialect {
  name: string;
  /** Cheap test on the attribute keys: does this dialect apply? */
  detect(attributes: Attributes): boolean;
  /** Mutates `span.attributes` (and may set `span.status`); mapped source keys are removed. */
  apply(span: Span, isRoot: boolean): void;
}
