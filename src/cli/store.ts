import { resolve } from "node:path";
import { loadProjectConfig } from "../eval/index.js";
import { openStore, type Store } from "../store/index.js";

/** The store of the project in the current directory (config found upwards). */
export async function openRunStore(configPath?: string): Promise<Store> {
  const loaded = await loadProjectConfig({
    cwd: process.cwd(),
    ...(configPath ? { configPath } : {}),
  });
  return openStore({ ...loaded.config.store, path: resolve(loaded.dir, loaded.config.store.path) });
}
