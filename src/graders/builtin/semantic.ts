import type { EmbeddingModelV3 } from "@ai-sdk/provider";
import { z } from "zod";
import { InputError } from "../../core/index.js";
import {
  cosineSimilarity,
  DEFAULT_EMBEDDING_MODEL,
  type EmbeddingResolver,
} from "../../providers/index.js";
import { quote } from "../text.js";
import type { GradeInput, GraderDefinition } from "../types.js";
import { fail } from "../verdict.js";
import { NO_REFERENCE, referencesFor, scored } from "./lexical.js";

const MAX_CACHED_TEXTS = 4096;

// References repeat across attempts and epochs (and across `similar` assertions naming the
// same text), so their vectors are kept per model; outputs are cached per attempt only.
const byModel = new WeakMap<EmbeddingModelV3, Map<string, Promise<number[]>>>();
const byAttempt = new WeakMap<GradeInput, Map<EmbeddingModelV3, Promise<number[]>>>();

async function vectorOf(model: EmbeddingModelV3, text: string): Promise<number[]> {
  // Imported on first use, not at start-up: most runs embed nothing.
  const { embed } = await import("ai");
  const { embedding } = await embed({ model, value: text });
  return embedding;
}

export function cachedEmbedding(model: EmbeddingModelV3, text: string): Promise<number[]> {
  let cache = byModel.get(model);
  if (cache === undefined) {
    cache = new Map();
    byModel.set(model, cache);
  }
  let hit = cache.get(text);
  if (hit === undefined) {
    if (cache.size >= MAX_CACHED_TEXTS) cache.delete(cache.keys().next().value!);
    hit = vectorOf(model, text);
    // A failed call must not poison the cache for the next attempt.
    hit.catch(() => cache.delete(text));
    cache.set(text, hit);
  }
  return hit;
}

function outputEmbedding(input: GradeInput, model: EmbeddingModelV3): Promise<number[]> {
  let cache = byAttempt.get(input);
  if (cache === undefined) {
    cache = new Map();
    byAttempt.set(input, cache);
  }
  let hit = cache.get(model);
  if (hit === undefined) {
    hit = vectorOf(model, input.output);
    cache.set(model, hit);
  }
  return hit;
}

/** The user's question: the input text, or the last user message of a conversation. */
export function questionOf(input: GradeInput): string {
  const raw = input.case.input;
  if (typeof raw === "string") return raw;
  for (let i = raw.length - 1; i >= 0; i--) if (raw[i]!.role === "user") return raw[i]!.content;
  return "";
}

/** zod field resolving `model` at compile time, so a bad spec or missing key is an input error. */
function modelParam(resolve: () => EmbeddingResolver) {
  return z
    .string()
    .min(1)
    .default(DEFAULT_EMBEDDING_MODEL)
    .transform((spec, ctx) => {
      try {
        return { spec, model: resolve()(spec) };
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        ctx.addIssue({ code: "custom", message: error.message });
        return z.NEVER;
      }
    });
}

const unit = z.number().min(0).max(1);

export function createSimilarGrader(resolve: () => EmbeddingResolver) {
  const params = z.strictObject({
    value: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    threshold: unit.default(0.75),
    model: modelParam(resolve),
  });
  const def: GraderDefinition<z.output<typeof params>> = {
    type: "similar",
    dimension: "accuracy",
    params,
    negatable: true,
    description:
      "embedding cosine similarity of the output to `value` (or expected.output) ≥ `threshold` (0.75); `model` (default sim:embed)",
    async grade(input, p) {
      const refs = referencesFor(input, p.value);
      if (refs === undefined) return fail(NO_REFERENCE);
      if (input.output.trim() === "") return fail("the output is empty");
      const out = await outputEmbedding(input, p.model.model);
      const sims = await Promise.all(
        refs.map(async (ref) => ({
          ref,
          score: Math.max(0, cosineSimilarity(out, await cachedEmbedding(p.model.model, ref))),
        })),
      );
      const best = sims.reduce((a, b) => (b.score > a.score ? b : a));
      return scored(
        best.score,
        p.threshold,
        `cosine similarity ${best.score.toFixed(3)} ${best.score >= p.threshold ? "≥" : "<"} ${p.threshold} to ${quote(best.ref, 50)} (${p.model.spec})`,
        { similarity: best.score, model: p.model.spec },
      );
    },
  };
  return def;
}

export function createAnswerRelevanceGrader(resolve: () => EmbeddingResolver) {
  const params = z.strictObject({
    threshold: unit.default(0.5),
    model: modelParam(resolve),
  });
  const def: GraderDefinition<z.output<typeof params>> = {
    type: "answer-relevance",
    dimension: "accuracy",
    params,
    negatable: true,
    description:
      "embedding cosine similarity between the case input (the question) and the output ≥ `threshold` (0.5); `model` (default sim:embed)",
    async grade(input, p) {
      const question = questionOf(input);
      if (question.trim() === "") return fail("the case has no user question to compare with");
      if (input.output.trim() === "") return fail("the output is empty");
      const [q, a] = await Promise.all([
        cachedEmbedding(p.model.model, question),
        outputEmbedding(input, p.model.model),
      ]);
      const score = Math.max(0, cosineSimilarity(q, a));
      return scored(
        score,
        p.threshold,
        `answer relevance ${score.toFixed(3)} ${score >= p.threshold ? "≥" : "<"} ${p.threshold} to the question ${quote(question, 50)} (${p.model.spec})`,
        { similarity: score, model: p.model.spec },
      );
    },
  };
  return def;
}
