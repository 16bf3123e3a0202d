export { createTokenCheck } from "./auth.js";
export type { ReadLimits } from "./body.js";
export { discardBody, gunzipLimited, HttpError, readLimited } from "./body.js";
export { isLoopbackHost } from "./exposure.js";
export type { RunningServer, ServerOptions } from "./listen.js";
export { DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_MAX_QUEUE_DELAY_MS, startServer } from "./listen.js";
export type { LoadProbe } from "./load.js";
export { watchEventLoopDelay } from "./load.js";
export type { ReceiverOptions } from "./receiver.js";
export {
  createReceiverApp,
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_CONCURRENT_REQUESTS,
} from "./receiver.js";
