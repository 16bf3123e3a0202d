export { type Case, GENAI } from "../core/index.js";

export const priceFree = (): number => 0;
