import type { LoadedConfig, RatchetConfig } from "../config/index.js";
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
  /** The project the store belongs to: approved eval cases are written under its folder. */
  project?: WebProject;
}

/** The project beside the store (what `openProject` found). */
export interface WebProject {
  config: RatchetConfig;
  /** The config's folder, or the working directory when there is no config. */
  dir: string;
  loaded: LoadedConfig | undefined;
}

/** What every page handler gets beside the request. */
export interface PageContext {
  store: Store;
  role: Role;
  /** The session's CSRF token, put in every form. */
  csrf: string;
  project?: WebProject;
}
