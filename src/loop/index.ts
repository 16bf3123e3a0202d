export * from "./export/index.js";
