export { createHttpFetch } from "./http-fetch.js";
export type { HttpFetch, HttpFetchOptions } from "./types.js";

import { createHttpFetch } from "./http-fetch.js";

/** The process-wide transport for model calls, so that keep-alive sockets are shared. */
export const sharedHttpFetch = createHttpFetch();
