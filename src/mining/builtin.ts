import type { DetectorConfigInput } from "../config/index.js";
import { userCorrectionDetector } from "./correction.js";
import { piiLeakDetector } from "./pii-leak.js";
import { refusalDetector } from "./refusal.js";
import type { Detector } from "./types.js";

/**
 * Ratchet's default rule detectors, one per row of the seed's signal table (the detectors
 * that read a conversation turn by turn — user-correction, pii-leak, refusal — are code, in
 * `CODE_DETECTORS`). Weights follow the
 * seed's reliability column (high 1.0, medium 0.6, low 0.4); severities follow its triage
 * (money movement and hard errors high, inferred dissatisfaction medium or low). All are
 * plain rules, so a `mining.detectors` entry with the same name replaces one.
 */
export const BUILTIN_DETECTORS: readonly DetectorConfigInput[] = [
  {
    name: "span-error",
    type: "hard_error",
    severity: "high",
    weight: 1,
    description: "a span ended in error or raised an exception",
    when: {
      all_of: [
        { attribute: "gen_ai.operation.name", op: "ne", value: "execute_tool" },
        {
          any_of: [
            { attribute: "span.status", op: "eq", value: "error" },
            { attribute: "span.exception", op: "exists" },
          ],
        },
      ],
    },
  },
  {
    // The seed's triage: a tool error the agent recovered from is evidence, so medium.
    name: "tool-error",
    type: "hard_error",
    severity: "medium",
    weight: 1,
    description: "a tool call failed",
    when: {
      all_of: [
        { attribute: "gen_ai.operation.name", op: "eq", value: "execute_tool" },
        {
          any_of: [
            { attribute: "span.status", op: "eq", value: "error" },
            {
              attribute: "gen_ai.tool.call.result",
              op: "matches",
              value: '^\\s*"?(error|exception)\\b|^\\s*\\{\\s*"error"\\s*:\\s*(?!null|false)',
            },
          ],
        },
      ],
    },
  },
  {
    name: "outcome-error",
    type: "hard_error",
    severity: "critical",
    weight: 1,
    description: "the trace's outcome is error",
    when: { attribute: "ratchet.trace.outcome", op: "eq", value: "error" },
  },
  {
    name: "outcome-failure",
    type: "hard_error",
    severity: "high",
    weight: 1,
    description: "the task failed validation",
    when: { attribute: "ratchet.trace.outcome", op: "eq", value: "failure" },
  },
  {
    name: "feedback-correction",
    type: "user_correction",
    severity: "high",
    weight: 1,
    description: "the user supplied a correction",
    when: { attribute: "ratchet.feedback.correction", op: "exists" },
  },
  {
    name: "abandoned",
    type: "abandonment",
    severity: "medium",
    weight: 0.6,
    description: "the user abandoned the conversation",
    when: { attribute: "ratchet.trace.outcome", op: "eq", value: "abandoned" },
  },
  {
    name: "unanswered-question",
    type: "abandonment",
    severity: "low",
    weight: 0.6,
    description: "the conversation ends on the agent's unanswered question",
    when: { attribute: "ratchet.trace.outcome", op: "ne", value: "success" },
    messages: { role: "assistant", last: true, matches: "\\?\\s*$" },
  },
  {
    name: "left-after-failure",
    type: "abandonment",
    severity: "medium",
    weight: 0.6,
    description: "the user left right after the agent failed",
    when: { attribute: "ratchet.trace.outcome", op: "ne", value: "success" },
    messages: {
      role: "assistant",
      last: true,
      matches:
        "\\b(sorry|apologi[sz]e|unable to|i can'?t|i cannot|something went wrong|an error occurred|try again later)\\b",
    },
  },
  {
    name: "judge-score-low",
    type: "llm_judge_fail",
    severity: "medium",
    weight: 0.6,
    description: "a stored judge score is below 0.5",
    when: { attribute: "ratchet.judge.score", op: "lt", value: 0.5 },
  },
  {
    name: "low-feedback-score",
    type: "business_metric",
    severity: "medium",
    weight: 0.4,
    description: "user feedback score below 0.5",
    when: { attribute: "ratchet.feedback.score", op: "lt", value: 0.5 },
  },
  {
    // Money movement: the seed's triage treats it as blocking until reviewed.
    name: "refund-issued",
    type: "business_metric",
    severity: "high",
    weight: 0.4,
    description: "a refund was issued",
    when: {
      any_of: [
        { attribute: "gen_ai.tool.name", op: "matches", value: "refund" },
        { attribute: "ratchet.refund.issued", op: "eq", value: true },
      ],
    },
  },
  {
    name: "escalation",
    type: "business_metric",
    severity: "medium",
    weight: 0.4,
    description: "the conversation was escalated to a human",
    when: {
      any_of: [
        {
          attribute: "gen_ai.tool.name",
          op: "matches",
          value: "transfer_to_human|escalat|handoff",
        },
        { attribute: "ratchet.escalated", op: "eq", value: true },
      ],
    },
  },
];

/** Built-ins that compare turns with each other, beyond what a rule can say. */
export const CODE_DETECTORS: readonly Detector[] = [
  userCorrectionDetector,
  piiLeakDetector,
  refusalDetector,
];
