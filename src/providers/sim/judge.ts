import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamResult,
} from "@ai-sdk/provider";
import { hash32, rngFor } from "../../core/index.js";
import { recordCall } from "../call-stats.js";
import { parseSimIdSettings } from "./id-settings.js";
import { instructionQuality, overlap, pointwiseQuality } from "./judge-heuristics.js";
import { type ParsedJudgePrompt, parseJudgePrompt } from "./judge-prompt.js";
import { promptText, streamOf, textResult } from "./text-call.js";

/**
 * `sim:judge` settings, written in the model id: `sim:judge?position_bias=0.1&leniency=0.2`.
 * - position_bias: added to the first-shown output's margin in pairwise comparisons (0..1).
 * - leniency: pulls every pointwise score toward the top of the scale (0..1).
 * - noise: seeded uniform noise of this half-width on the 0..1 quality (0..1).
 * - malformed_rate: share of calls answered with broken JSON, to exercise retries (0..1).
 * - tie_margin: pairwise margins smaller than this are ties.
 * - seed: the noise stream.
 */
export interface SimJudgeOptions {
  position_bias: number;
  leniency: number;
  noise: number;
  malformed_rate: number;
  tie_margin: number;
  seed: number;
}

export const DEFAULT_SIM_JUDGE_OPTIONS: SimJudgeOptions = {
  position_bias: 0,
  leniency: 0,
  noise: 0,
  malformed_rate: 0,
  tie_margin: 0.02,
  seed: 0,
};

/** `judge` or `judge?key=value&…` → options; unknown keys and bad values are input errors. */
export function parseSimJudgeId(modelId: string): SimJudgeOptions | undefined {
  return parseSimIdSettings("judge", modelId, DEFAULT_SIM_JUDGE_OPTIONS);
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * A deterministic judge that grades only from the evidence in its prompt: the rubric header
 * and the delimited data blocks. Same prompt and settings → same verdict.
 */
export class SimJudgeModel implements LanguageModelV3 {
  readonly specificationVersion = "v3" as const;
  readonly provider = "sim";
  readonly modelId: string;
  readonly supportedUrls: Record<string, RegExp[]> = {};

  constructor(
    readonly settings: SimJudgeOptions = DEFAULT_SIM_JUDGE_OPTIONS,
    private readonly providerName = "sim",
    modelId = "judge",
  ) {
    this.modelId = modelId;
  }

  /** The JSON text a judge would answer with for this prompt. */
  verdictText(user: string, retryKey: string): string {
    const o = this.settings;
    const key = hash32(user);
    if (
      o.malformed_rate > 0 &&
      rngFor(o.seed, key, retryKey, "malformed").next() < o.malformed_rate
    ) {
      return '{"score": 7, "label": "pass", "reasoning": "unterminated';
    }
    const parsed = parseJudgePrompt(user);
    if (!parsed) return "I can only grade prompts that follow the judge protocol.";
    const noise = () => (o.noise > 0 ? o.noise * (2 * rngFor(o.seed, key, "noise").next() - 1) : 0);
    return JSON.stringify(
      parsed.mode === "pairwise" ? this.pairwise(parsed, noise()) : this.pointwise(parsed, noise()),
    );
  }

  private pointwise(p: ParsedJudgePrompt, noise: number): Record<string, unknown> {
    const candidate = p.blocks.get("CANDIDATE") ?? "";
    const q = pointwiseQuality(
      candidate,
      p.rubric,
      p.blocks.get("INPUT"),
      p.blocks.get("REFERENCE"),
    );
    const lenient = (v: number) => clamp01(v + this.settings.leniency * (1 - v) + noise);
    const value = lenient(q.value);
    const { min, max } = p.scale;
    const toScale = (v: number) => round1(min + v * (max - min));
    const out: Record<string, unknown> = {};
    if (p.steps.length > 0) {
      out.steps = p.steps.map((step, i) => {
        const terms = Math.min(1, overlap(candidate, step).recall * 1.5);
        // A step's own terms weigh half; the evidence for the whole answer the other half.
        return { step: i + 1, score: toScale(lenient(0.5 * q.value + 0.5 * terms)) };
      });
    }
    out.score = toScale(value);
    out.label = value >= 0.5 ? "pass" : "fail";
    out.reasoning = `${q.reasons.join("; ")}.`;
    return out;
  }

  private pairwise(p: ParsedJudgePrompt, noise: number): Record<string, unknown> {
    const instruction = p.blocks.get("INPUT") ?? "";
    const reference = p.blocks.get("REFERENCE");
    const a = instructionQuality(p.blocks.get("OUTPUT_A") ?? "", instruction, reference);
    const b = instructionQuality(p.blocks.get("OUTPUT_B") ?? "", instruction, reference);
    const margin = a.value - b.value + this.settings.position_bias * 0.2 + noise * 0.2;
    const winner =
      margin > this.settings.tie_margin ? "A" : margin < -this.settings.tie_margin ? "B" : "tie";
    return {
      winner,
      reasoning: `A: ${a.reasons.join(", ") || "no signals"}; B: ${b.reasons.join(", ") || "no signals"}.`,
    };
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    recordCall(this.providerName, "sim");
    if (options.abortSignal?.aborted) throw options.abortSignal.reason;
    const { system, user } = promptText(options);
    const retry = options.providerOptions?.ratchet?.judge_attempt;
    const text = this.verdictText(user, String(retry ?? 0));
    return textResult(text, { system, user }, { prefix: "simjudge", modelId: this.modelId });
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    return streamOf(await this.doGenerate(options));
  }
}
