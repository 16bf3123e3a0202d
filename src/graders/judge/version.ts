import { createHash } from "node:crypto";
import { JUDGE_SYSTEM_PROMPT } from "./prompt.js";

/** Protocol revision; bump when the prompt builders change in a way that changes verdicts. */
export const JUDGE_PROTOCOL = 1;

export interface JudgeIdentity {
  kind: string;
  model: string;
  /** Everything else that shapes the verdict: rubric, steps, scale, mode. */
  params: Record<string, unknown>;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * A judge's version: hash of the judge prompt (system prompt and protocol), the model and the
 * params (temperature is always 0). Calibrations are stored per version, so changing any of
 * them makes the judge uncalibrated until it is calibrated again.
 */
export function judgeVersion(identity: JudgeIdentity): string {
  return createHash("sha256")
    .update(
      canonical({
        protocol: JUDGE_PROTOCOL,
        system: JUDGE_SYSTEM_PROMPT,
        temperature: 0,
        kind: identity.kind,
        model: identity.model,
        params: identity.params,
      }),
    )
    .digest("hex")
    .slice(0, 12);
}
