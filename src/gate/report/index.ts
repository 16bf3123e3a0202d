export { gateJunit } from "./junit.js";
export { gateMarkdown } from "./markdown.js";
export { gateText } from "./text.js";
