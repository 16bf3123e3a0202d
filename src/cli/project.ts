import { resolve } from "node:path";
import {
  defaultConfig,
  findConfig,
  type LoadedConfig,
  loadConfig,
  type RatchetConfig,
} from "../config/index.js";
import { openStore, type Store } from "../store/index.js";

export interface ProjectFlags {
  config?: string;
  /** A store file that overrides the config's `store.path`. */
  db?: string;
}

export interface Project {
  store: Store;
  config: RatchetConfig;
  /** The config's folder, or the working directory when there is no config. */
  dir: string;
  storePath: string;
  /** The loaded config file, when there was one. */
  loaded: LoadedConfig | undefined;
}

/**
 * The project the command runs in: its `ratchet.yaml` (here or above) and its store. Without
 * a config the defaults apply (`.ratchet/ratchet.db` here), so that commands over stored data
 * (runs, traces, failures, cost) also work in a folder that only has a store.
 */
export async function openProject(flags: ProjectFlags = {}): Promise<Project> {
  const cwd = process.cwd();
  const file = flags.config ? resolve(cwd, flags.config) : await findConfig(cwd);
  const loaded = file ? await loadConfig(file) : undefined;
  const config = loaded?.config ?? defaultConfig();
  const dir = loaded?.dir ?? cwd;
  const storePath = flags.db ? resolve(cwd, flags.db) : resolve(dir, config.store.path);
  const store = await openStore({ ...config.store, path: storePath });
  return { store, config, dir, storePath, loaded };
}

export async function withProject<T>(
  flags: ProjectFlags,
  action: (project: Project) => Promise<T>,
): Promise<T> {
  const project = await openProject(flags);
  try {
    return await action(project);
  } finally {
    await project.store.close();
  }
}
