import type {
  FailureSeverity,
  FailureSignalType,
  FailureToolCall,
  JsonValue,
  Span,
} from "../core/index.js";

export interface TraceMessage {
  role: string;
  content: string;
}

export interface TraceError {
  span: string;
  message: string;
  tool?: string;
}

/** One production trace, read once into the shape every detector looks at. */
export interface TraceView {
  trace_id: string;
  spans: Span[];
  /** The span without a parent (the first one if several). */
  root: Span | undefined;
  start_ms: number;
  end_ms: number;
  agent?: string;
  /** The conversation (user / assistant / tool), from the longest gen_ai.*.messages seen. */
  messages: TraceMessage[];
  /** First user message. */
  input: string;
  /** Last assistant message with text. */
  output: string;
  tool_calls: FailureToolCall[];
  /** Error-status spans, exception events and tool results that report an error. */
  errors: TraceError[];
  /** Outcome, feedback and model: the seed's context snapshot. */
  context: Record<string, JsonValue>;
}

/** What a detector reports when it fires. */
export interface Signal {
  detector: string;
  signal_type: FailureSignalType;
  severity: FailureSeverity;
  weight: number;
  /** Human-readable: why the detector fired. */
  reason: string;
  /** The text that identifies this failure for de-duplication (before normalization). */
  evidence: string;
  error?: string;
  /** The conversation turns that made the detector fire (quoted in the reason). */
  turns?: TraceMessage[];
}

export interface Detector {
  name: string;
  type: FailureSignalType;
  severity: FailureSeverity;
  weight: number;
  description?: string;
  detect(trace: TraceView): Signal | undefined | Promise<Signal | undefined>;
}

/** An LLM judge over a trace rendered as text. Built by the judges module; none by default. */
export type JudgeFn = (
  traceText: string,
) => Promise<{ pass: boolean; score: number; reason: string }>;

export interface MineCounts {
  /** Traces read. */
  traces: number;
  /** Detector firings (including ones already stored). */
  signals: number;
  /** New originals stored. */
  new: number;
  /** New failures linked as duplicates of an earlier one. */
  duplicates: number;
  /** (trace, detector) pairs already stored by an earlier pass. */
  existing: number;
}
