import { fileURLToPath } from "node:url";
import { InputError } from "../core/index.js";
import { openSqliteStore, type SqliteStoreOptions } from "./sqlite.js";
import type { Store } from "./types.js";

export const DEFAULT_STORE_PATH = ".ratchet/ratchet.db";

export interface StoreConfig {
  /** A SQLite file. */
  path?: string;
  /** `sqlite:<path>` / `file:<path>` now; `postgres://…` once that backend exists. */
  url?: string;
}

/**
 * Pick the backend from config. Callers depend only on `Store`, so a PostgreSQL backend
 * slots in here without touching them.
 */
export async function openStore(
  config: StoreConfig = {},
  options: SqliteStoreOptions = {},
): Promise<Store> {
  const { url, path } = config;
  if (url !== undefined && url !== "") {
    if (/^postgres(ql)?:\/\//i.test(url)) {
      // The URL is not echoed: it usually carries a password.
      throw new InputError(
        "PostgreSQL store not yet available; set store.path to a SQLite file instead",
        { key: "store.url" },
      );
    }
    const sqlitePath = sqlitePathFromUrl(url);
    if (sqlitePath === undefined) {
      throw new InputError(
        "unsupported store url: expected sqlite:<path>, file:<path> or postgres://",
        { key: "store.url" },
      );
    }
    return openSqliteStore(sqlitePath, options);
  }
  return openSqliteStore(path === undefined || path === "" ? DEFAULT_STORE_PATH : path, options);
}

function sqlitePathFromUrl(url: string): string | undefined {
  if (url.startsWith("file:")) {
    if (!url.startsWith("file://")) return url.slice("file:".length);
    try {
      return fileURLToPath(url);
    } catch {
      return undefined;
    }
  }
  if (url.startsWith("sqlite://")) return url.slice("sqlite://".length);
  if (url.startsWith("sqlite:")) return url.slice("sqlite:".length);
  return undefined;
}
