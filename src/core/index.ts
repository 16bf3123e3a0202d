export type { Clock } from "./clock.js";
export { systemClock } from "./clock.js";
export type { InputLocation } from "./errors.js";
export { EXIT, errorMessage, InputError, InternalError, isInputError } from "./errors.js";
export { newId } from "./ids.js";
export type { Rng } from "./rng.js";
export { createRng, hash32, rngFor } from "./rng.js";
export * from "./types.js";
