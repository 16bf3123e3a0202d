import { findRefusal } from "../graders/index.js";
import { turnSignal, withQuestion } from "./turns.js";
import type { Detector, Signal, TraceView } from "./types.js";

/**
 * `refusal`: the assistant declined the request ("I can't help with that", "I'm sorry, but I
 * cannot…"), by the same phrasings as the `refusal` / `no-refusal` graders. Some refusals are
 * right (policy); each is worth a look, so medium and the seed's medium reliability.
 */
export const refusalDetector: Detector = {
  name: "refusal",
  type: "refusal",
  severity: "medium",
  weight: 0.6,
  description: "the agent declined the request",
  detect(trace: TraceView): Signal | undefined {
    for (const [i, m] of trace.messages.entries()) {
      if (m.role !== "assistant") continue;
      const phrase = findRefusal(m.content);
      if (phrase === undefined) continue;
      return turnSignal(this, ` ("${phrase}")`, m.content, withQuestion(trace.messages, i, m));
    }
    return undefined;
  },
};
