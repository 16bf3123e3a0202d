export { main } from "./main.js";
export type { Output } from "./output.js";
