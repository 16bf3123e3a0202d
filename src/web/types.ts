import type { Store } from "../store/index.js";

export type Role = "read" | "write";

export interface WebOptions {
  store: Store;
  /** Read pages and APIs. */
  readToken: string;
  /** Also approve drafts, move labels, roll back. */
  writeToken: string;
  /** What the overview says the store is, e.g. its path. */
  storeLabel?: string;
}

/** What every page handler gets beside the request. */
export interface PageContext {
  store: Store;
  role: Role;
  /** The session's CSRF token, put in every form. */
  csrf: string;
}
