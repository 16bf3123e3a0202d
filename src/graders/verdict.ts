import type { GradeResult } from "./types.js";

export function pass(reason: string, details?: Record<string, unknown>): GradeResult {
  return details ? { score: 1, passed: true, reason, details } : { score: 1, passed: true, reason };
}

export function fail(reason: string, details?: Record<string, unknown>): GradeResult {
  return details
    ? { score: 0, passed: false, reason, details }
    : { score: 0, passed: false, reason };
}
