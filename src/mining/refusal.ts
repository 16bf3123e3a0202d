import { findRefusal } from "../graders/index.js";
import { lastBefore, quoteTurns } from "./turns.js";
import type { Detector, Signal, TraceMessage, TraceView } from "./types.js";

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
      const asked = lastBefore(trace.messages, i, "user");
      const turns: TraceMessage[] = asked ? [asked, m] : [m];
      return {
        detector: this.name,
        signal_type: this.type,
        severity: this.severity,
        weight: this.weight,
        reason: `${this.description} ("${phrase}"): ${quoteTurns(turns)}`,
        evidence: m.content,
        turns,
      };
    }
    return undefined;
  },
};
