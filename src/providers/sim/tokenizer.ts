/**
 * Real BPE token counts for the sim (usage, context budget). The encodings are large, so
 * they load on first use rather than when the CLI starts.
 */
export type TokenizerName = "o200k_base" | "cl100k_base";

export interface Tokenizer {
  count(text: string): number;
  /** The longest prefix of `text` that fits in `maxTokens` tokens. */
  truncate(text: string, maxTokens: number): string;
}

interface Encoding {
  encode(text: string): number[];
  decode(tokens: number[]): string;
  countTokens(text: string): number;
}

const loaded = new Map<TokenizerName, Promise<Tokenizer>>();

async function load(name: TokenizerName): Promise<Tokenizer> {
  const encoding: Encoding =
    name === "cl100k_base"
      ? await import("gpt-tokenizer/encoding/cl100k_base")
      : await import("gpt-tokenizer/encoding/o200k_base");
  return {
    count: (text) => (text ? encoding.countTokens(text) : 0),
    truncate: (text, maxTokens) => {
      if (maxTokens <= 0) return "";
      const tokens = encoding.encode(text);
      if (tokens.length <= maxTokens) return text;
      return encoding.decode(tokens.slice(0, maxTokens));
    },
  };
}

export function getTokenizer(name: TokenizerName = "o200k_base"): Promise<Tokenizer> {
  let tokenizer = loaded.get(name);
  if (!tokenizer) {
    tokenizer = load(name);
    loaded.set(name, tokenizer);
  }
  return tokenizer;
}
