import { sharedUserCodeHost, type UserCodeHost } from "../core/index.js";
import { createEmbeddingResolver, type EmbeddingResolver } from "../providers/index.js";
import { cost, latency } from "./builtin/budget.js";
import { forbiddenContent, outputMustNotContain } from "./builtin/content.js";
import { createCustomGrader, expression } from "./builtin/custom.js";
import { createGoalSuccessGrader, type GoalJudge, toolArgsSchema } from "./builtin/goal.js";
import { jsonSchema, jsonValid } from "./builtin/json.js";
import { jsonDiff } from "./builtin/json-diff.js";
import { levenshteinGrader, rougeLGrader } from "./builtin/lexical.js";
import { listContains } from "./builtin/list.js";
import { numeric } from "./builtin/numeric.js";
import { noPii, noRefusal, refusal } from "./builtin/safety.js";
import { createAnswerRelevanceGrader, createSimilarGrader } from "./builtin/semantic.js";
import { contains, equals, icontains, notContains, regex } from "./builtin/text.js";
import {
  maxSteps,
  toolArgsMatch,
  toolCalled,
  toolNotCalled,
  toolSequence,
} from "./builtin/tools.js";
import {
  expectedStopReason,
  forbiddenSideEffect,
  forbiddenSpans,
  requiredSpans,
  sideEffect,
  stepCount,
} from "./builtin/trajectory.js";
import { JUDGE_GRADERS } from "./judge/graders.js";
import type { GraderDefinition, GraderRegistry } from "./types.js";

// Definitions differ in their params type; the registry only hands each grader the params
// its own schema produced, so erasing P to unknown here is sound.
const erase = <P>(def: GraderDefinition<P>) => def as unknown as GraderDefinition<unknown>;

export const BUILTIN_GRADERS: readonly GraderDefinition<unknown>[] = [
  erase(equals),
  erase(contains),
  erase(icontains),
  erase(notContains),
  erase(regex),
  erase(jsonValid),
  erase(jsonSchema),
  erase(toolCalled),
  erase(toolNotCalled),
  erase(toolSequence),
  erase(toolArgsMatch),
  erase(maxSteps),
  erase(latency),
  erase(cost),
  erase(noPii),
  erase(refusal),
  erase(noRefusal),
  ...JUDGE_GRADERS,
  erase(levenshteinGrader),
  erase(rougeLGrader),
  erase(numeric),
  erase(jsonDiff),
  erase(listContains),
  erase(requiredSpans),
  erase(forbiddenSpans),
  erase(expectedStopReason),
  erase(stepCount),
  erase(toolArgsSchema),
  erase(sideEffect),
  erase(forbiddenSideEffect),
  erase(forbiddenContent),
  outputMustNotContain,
  erase(expression),
];

/** What the graders that reach outside the attempt need; every field has a default. */
export interface GraderRegistryOptions {
  /** Register the built-in graders (default true). */
  builtins?: boolean;
  /**
   * Embedding models for `similar` and `answer-relevance`, resolved at compile time so a bad
   * spec or a missing key is an input error. Default: built-in providers, `process.env`.
   */
  embeddings?: EmbeddingResolver;
  /** Base for relative `custom` grader module paths (the config's folder); default cwd. */
  baseDir?: string;
  /** Enables `goal-success` with `rubric:` (the judges module supplies it). */
  goalJudge?: GoalJudge;
  /** Where `custom` graders run (worker threads); default the process-wide host. */
  userCode?: UserCodeHost;
}

/** The graders that take context (models, paths, judges), built for one registry. */
function contextGraders(options: GraderRegistryOptions): GraderDefinition<unknown>[] {
  let embeddings = options.embeddings;
  // Lazily, so a registry that never meets `similar` never reads the environment.
  const resolver = () => {
    embeddings ??= createEmbeddingResolver(undefined, process.env);
    return embeddings;
  };
  const baseDir = () => options.baseDir ?? process.cwd();
  const userCode = () => options.userCode ?? sharedUserCodeHost();
  return [
    erase(createSimilarGrader(resolver)),
    erase(createAnswerRelevanceGrader(resolver)),
    erase(createGoalSuccessGrader(options.goalJudge)),
    erase(createCustomGrader(baseDir, userCode)),
  ];
}

/** A registry holding every built-in grader; `register` adds custom ones. */
export function createGraderRegistry(options: GraderRegistryOptions = {}): GraderRegistry {
  const graders = new Map<string, GraderDefinition<unknown>>();
  const registry: GraderRegistry = {
    register(def) {
      if (!/^[a-z][a-z0-9-]*$/.test(def.type)) {
        throw new Error(`grader type \`${def.type}\` must be lower-case kebab-case`);
      }
      if (graders.has(def.type))
        throw new Error(`grader type \`${def.type}\` is already registered`);
      graders.set(def.type, erase(def));
    },
    get: (type) => graders.get(type),
    has: (type) => graders.has(type),
    types: () => [...graders.keys()],
  };
  if (options.builtins !== false) {
    for (const def of [...BUILTIN_GRADERS, ...contextGraders(options)]) registry.register(def);
  }
  return registry;
}

let shared: GraderRegistry | undefined;

/** The process-wide registry `compileAssertions` uses when none is passed. */
export function defaultGraderRegistry(): GraderRegistry {
  shared ??= createGraderRegistry();
  return shared;
}
