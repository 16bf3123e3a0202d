import { sharedHttpFetch } from "./transport/index.js";

/**
 * Counts calls that reached a model: HTTP requests sent by the real providers (counted in
 * the fetch they use, so cache hits never count) and sim invocations. Benchmarks read this
 * to show how many calls the cache or the scheduler saved.
 */
export interface ProviderCallStats {
  /** HTTP requests sent to real providers. */
  http: number;
  /** Invocations of sim models (doGenerate / doStream). */
  sim: number;
  /** Per provider name, both kinds. */
  byProvider: Record<string, number>;
}

const stats: ProviderCallStats = { http: 0, sim: 0, byProvider: {} };

export function providerCallStats(): ProviderCallStats {
  return { http: stats.http, sim: stats.sim, byProvider: { ...stats.byProvider } };
}

export function resetProviderCallStats(): void {
  stats.http = 0;
  stats.sim = 0;
  stats.byProvider = {};
}

export function recordCall(provider: string, kind: "http" | "sim"): void {
  stats[kind] += 1;
  stats.byProvider[provider] = (stats.byProvider[provider] ?? 0) + 1;
}

/**
 * A fetch that counts each request under `provider` before sending it. The default base is
 * the shared keep-alive transport (transport/), not the global fetch.
 */
export function countingFetch(
  provider: string,
  base: typeof fetch = sharedHttpFetch,
): typeof fetch {
  return (input, init) => {
    recordCall(provider, "http");
    return base(input, init);
  };
}
