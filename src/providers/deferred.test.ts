import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { createOllama } from "ollama-ai-provider-v2";
import { describe, expect, it } from "vitest";
import { resolveEmbeddingModel, resolveModels } from "./index.js";

// Resolved models import their SDK on the first call and name their provider before it; the
// name must be the SDK model's own, since the response cache keys on it.
const providers = {
  corp: { type: "openai-compatible" as const, base_url: "http://127.0.0.1:1/v1" },
};
const env = { OPENAI_API_KEY: "sk-test", ANTHROPIC_API_KEY: "sk-ant-test" };

describe("models whose SDK loads on first use", () => {
  it("report the provider, model id and supported URLs of the SDK's own chat models", async () => {
    const resolved = resolveModels(
      ["openai:gpt-4o-mini", "anthropic:claude-sonnet-4-5", "ollama:llama3.2:3b", "corp:qwen"],
      providers,
      env,
    );
    const sdkModels = [
      createOpenAI({ apiKey: "sk-test" }).chat("gpt-4o-mini"),
      createAnthropic({ apiKey: "sk-ant-test" }).messages("claude-sonnet-4-5"),
      createOllama({}).chat("llama3.2:3b"),
      createOpenAICompatible({ name: "corp", baseURL: "http://127.0.0.1:1/v1" }).chatModel("qwen"),
    ];
    for (const [i, { model }] of resolved.entries()) {
      const sdk = sdkModels[i]!;
      expect([model.specificationVersion, model.provider, model.modelId]).toEqual([
        sdk.specificationVersion,
        sdk.provider,
        sdk.modelId,
      ]);
      // Read before and after the SDK is loaded: the same value either way.
      expect(await model.supportedUrls).toEqual(await sdk.supportedUrls);
      expect(await model.supportedUrls).toEqual(await sdk.supportedUrls);
    }
  });

  it("report the provider and model id of the SDK's own embedding models", async () => {
    const specs = ["openai:text-embedding-3-small", "ollama:nomic-embed-text", "corp:bge"];
    const sdkModels = [
      createOpenAI({ apiKey: "sk-test" }).embedding("text-embedding-3-small"),
      createOllama({}).embedding("nomic-embed-text"),
      createOpenAICompatible({ name: "corp", baseURL: "http://127.0.0.1:1/v1" }).embeddingModel(
        "bge",
      ),
    ];
    for (const [i, spec] of specs.entries()) {
      const { model } = resolveEmbeddingModel(spec, providers, env);
      const sdk = sdkModels[i]!;
      expect([model.specificationVersion, model.provider, model.modelId]).toEqual([
        sdk.specificationVersion,
        sdk.provider,
        sdk.modelId,
      ]);
      expect(await model.maxEmbeddingsPerCall).toBe(await sdk.maxEmbeddingsPerCall);
      expect(await model.supportsParallelCalls).toBe(await sdk.supportsParallelCalls);
    }
  });
});
