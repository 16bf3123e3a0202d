export { createTokenCheck } from "./auth.js";
export { gunzipLimited, HttpError, readLimited } from "./body.js";
export type { RunningServer, ServerOptions } from "./listen.js";
export { startServer } from "./listen.js";
export type { ReceiverOptions } from "./receiver.js";
export { createReceiverApp, DEFAULT_MAX_BODY_BYTES } from "./receiver.js";
