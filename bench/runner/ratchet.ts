/**
 * The Ratchet modules the runner benchmark drives: from dist/ (tsc output, what `npx ratchet`
 * runs) by default, or from src/ through tsx with `--src`. tsx's transform adds per-function
 * helpers and source-map work that users never run, so dist is the fair measurement.
 */
import { pathToFileURL } from "node:url";

type EvalModule = typeof import("../../src/eval/index.js");
type ProvidersModule = typeof import("../../src/providers/index.js");

export interface RatchetModules {
  runEvaluation: EvalModule["runEvaluation"];
  cacheStats: ProvidersModule["cacheStats"];
  providerCallStats: ProvidersModule["providerCallStats"];
  resetProviderCallStats: ProvidersModule["resetProviderCallStats"];
  resolveModel: ProvidersModule["resolveModel"];
}

export async function loadRatchet(fromDist: boolean): Promise<RatchetModules> {
  const root = new URL(fromDist ? "../../dist/" : "../../src/", import.meta.url);
  // Specifiers built at run time: the dist modules carry no types of their own here.
  const evalUrl = pathToFileURL(new URL("eval/index.js", root).pathname).href;
  const providersUrl = pathToFileURL(new URL("providers/index.js", root).pathname).href;
  const evaluation = (await import(evalUrl)) as EvalModule;
  const providers = (await import(providersUrl)) as ProvidersModule;
  return {
    runEvaluation: evaluation.runEvaluation,
    cacheStats: providers.cacheStats,
    providerCallStats: providers.providerCallStats,
    resetProviderCallStats: providers.resetProviderCallStats,
    resolveModel: providers.resolveModel,
  };
}
