import { closestMatch } from "../core/index.js";

export { editDistance } from "../core/index.js";
export { closestMatch as didYouMean };

export function suggestionSuffix(word: string, candidates: Iterable<string>): string {
  const hit = closestMatch(word, candidates);
  return hit === undefined ? "" : `; did you mean \`${hit}\`?`;
}
