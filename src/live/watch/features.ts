import { hash32 } from "../../core/index.js";
import type { TraceView } from "../../mining/index.js";

/** Buckets the words of a window fall in: a topic shift moves mass between them. */
export const WORD_BUCKETS = 64;

/** What drift compares of one request: sizes, tool use and the words of both sides. */
export interface RequestFeatures {
  inputChars: number;
  outputChars: number;
  toolCalls: number;
  inputWords: number[];
  outputWords: number[];
}

function wordBuckets(text: string): number[] {
  const out: number[] = [];
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? []) {
    out.push(hash32(word) % WORD_BUCKETS);
  }
  return out;
}

export function requestFeatures(view: TraceView): RequestFeatures {
  return {
    inputChars: view.input.length,
    outputChars: view.output.length,
    toolCalls: view.tool_calls.length,
    inputWords: wordBuckets(view.input),
    outputWords: wordBuckets(view.output),
  };
}

/** Word-bucket counts over a window's requests. */
export function wordCounts(
  requests: readonly RequestFeatures[],
  side: "input" | "output",
): number[] {
  const counts = new Array<number>(WORD_BUCKETS).fill(0);
  for (const r of requests) {
    for (const b of side === "input" ? r.inputWords : r.outputWords) {
      counts[b] = (counts[b] as number) + 1;
    }
  }
  return counts;
}
