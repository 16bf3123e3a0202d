import type {
  EmbeddingModelV3,
  EmbeddingModelV3CallOptions,
  EmbeddingModelV3Result,
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamResult,
} from "@ai-sdk/provider";

/**
 * Models whose provider SDK is imported on their first call. The four SDK packages were most of
 * the code `ratchet eval` loaded at start-up (bench/runner, e2e part), and a run uses one or
 * two of them. Everything a user can get wrong (unknown provider, missing key, missing
 * base_url) is still checked when the model is resolved, before anything is stored; only the
 * import waits.
 *
 * `provider` and `modelId` are known without the SDK. `provider` must be the string the SDK's
 * own model reports (the response cache keys on it): `deferred.test.ts` checks it against each
 * real SDK model.
 */
export class DeferredLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = "v3";
  private readonly model: Later<LanguageModelV3>;

  constructor(
    readonly provider: string,
    readonly modelId: string,
    build: () => Promise<LanguageModelV3>,
  ) {
    this.model = new Later(build);
  }

  get supportedUrls(): LanguageModelV3["supportedUrls"] {
    const model = this.model.value;
    return model ? model.supportedUrls : this.model.get().then((m) => m.supportedUrls);
  }

  doGenerate(options: LanguageModelV3CallOptions): PromiseLike<LanguageModelV3GenerateResult> {
    const model = this.model.value;
    return model ? model.doGenerate(options) : this.model.get().then((m) => m.doGenerate(options));
  }

  doStream(options: LanguageModelV3CallOptions): PromiseLike<LanguageModelV3StreamResult> {
    const model = this.model.value;
    return model ? model.doStream(options) : this.model.get().then((m) => m.doStream(options));
  }
}

/** The embedding counterpart of DeferredLanguageModel. */
export class DeferredEmbeddingModel implements EmbeddingModelV3 {
  readonly specificationVersion = "v3";
  private readonly model: Later<EmbeddingModelV3>;

  constructor(
    readonly provider: string,
    readonly modelId: string,
    build: () => Promise<EmbeddingModelV3>,
  ) {
    this.model = new Later(build);
  }

  get maxEmbeddingsPerCall(): EmbeddingModelV3["maxEmbeddingsPerCall"] {
    const model = this.model.value;
    return model
      ? model.maxEmbeddingsPerCall
      : this.model.get().then((m) => m.maxEmbeddingsPerCall);
  }

  get supportsParallelCalls(): EmbeddingModelV3["supportsParallelCalls"] {
    const model = this.model.value;
    return model
      ? model.supportsParallelCalls
      : this.model.get().then((m) => m.supportsParallelCalls);
  }

  doEmbed(options: EmbeddingModelV3CallOptions): PromiseLike<EmbeddingModelV3Result> {
    const model = this.model.value;
    return model ? model.doEmbed(options) : this.model.get().then((m) => m.doEmbed(options));
  }
}

/**
 * A value built once, on first demand. `value` is set once it exists, so that later calls use
 * it without another turn of the microtask queue.
 */
export class Later<T> {
  value: T | undefined;
  private pending: Promise<T> | undefined;

  constructor(private readonly build: () => Promise<T>) {}

  get(): Promise<T> {
    this.pending ??= this.build().then((value) => {
      this.value = value;
      return value;
    });
    return this.pending;
  }
}
