import { cost, latency } from "./builtin/budget.js";
import { jsonSchema, jsonValid } from "./builtin/json.js";
import { noPii, noRefusal, refusal } from "./builtin/safety.js";
import { contains, equals, icontains, notContains, regex } from "./builtin/text.js";
import {
  maxSteps,
  toolArgsMatch,
  toolCalled,
  toolNotCalled,
  toolSequence,
} from "./builtin/tools.js";
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
];

/** A registry holding every built-in grader; `register` adds custom ones. */
export function createGraderRegistry(options: { builtins?: boolean } = {}): GraderRegistry {
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
  if (options.builtins !== false) for (const def of BUILTIN_GRADERS) registry.register(def);
  return registry;
}

let shared: GraderRegistry | undefined;

/** The process-wide registry `compileAssertions` uses when none is passed. */
export function defaultGraderRegistry(): GraderRegistry {
  shared ??= createGraderRegistry();
  return shared;
}
