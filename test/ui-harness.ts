import { existsSync, mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { loadConfig } from "../src/config/index.js";
import type { Run } from "../src/core/index.js";
import { openSqliteStore, type Store } from "../src/store/index.js";
import { createWebApp } from "../src/web/index.js";
import { ratchet } from "./cli-helpers.js";

/** Debian's Chromium (never a downloaded browser); RATCHET_CHROMIUM names another one. */
export const CHROMIUM = process.env.RATCHET_CHROMIUM ?? "/usr/bin/chromium";
export const hasChromium = (): boolean => existsSync(CHROMIUM);

export interface DemoDashboard {
  url: string;
  /** The demo project's folder: approved cases are written under it. */
  project: string;
  readToken: string;
  writeToken: string;
  store: Store;
  close(): Promise<void>;
}

/**
 * The offline demo's store (`ratchet demo`, through the real CLI) served by the dashboard on
 * a free loopback port, for the browser test and the screenshots.
 */
export async function startDemoDashboard(): Promise<DemoDashboard> {
  const dir = mkdtempSync(join(tmpdir(), "ratchet-ui-browser-"));
  const demo = await ratchet(["demo", "--dir", join(dir, "demo")], { cwd: dir });
  if (demo.code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`ratchet demo failed (${demo.code}):\n${demo.stderr}`);
  }
  const project = join(dir, "demo");
  // A pending eval draft for the review queue: the demo's first cluster, drafted by the CLI.
  const clusters = await ratchet(["clusters", "list", "--json"], { cwd: project });
  const cluster = (JSON.parse(clusters.stdout || "[]") as Array<{ id: string }>)[0];
  if (cluster === undefined) throw new Error(`the demo left no cluster:\n${clusters.stderr}`);
  const draft = await ratchet(["evals", "draft", "--cluster", cluster.id, "--no-confirm"], {
    cwd: project,
  });
  if (draft.code !== 0) throw new Error(`evals draft failed (${draft.code}):\n${draft.stderr}`);
  const loaded = await loadConfig(join(project, "ratchet.yaml"));
  const store = await openSqliteStore(join(project, ".ratchet", "ratchet.db"));
  const readToken = "read-token-for-the-browser-test";
  const writeToken = "write-token-for-the-browser-test";
  const app = createWebApp({
    store,
    readToken,
    writeToken,
    storeLabel: "demo store",
    project: { config: loaded.config, dir: loaded.dir, loaded },
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    project,
    readToken,
    writeToken,
    store,
    async close() {
      await new Promise<void>((done) => server.close(() => done()));
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Two runs of one suite that share a (case, epoch), newer first: the loop's runs cover
 * different slices of a suite, so not every two runs of it pair.
 */
export function pairedRuns(store: Store): { newer: Run; older: Run } | undefined {
  const runs = store.web.runs({ limit: 50, offset: 0 }).rows;
  const keys = new Map(
    runs.map((r) => [
      r.id,
      new Set([...store.web.pairable(r.id)].map((a) => `${a.case_id}#${a.epoch}`)),
    ]),
  );
  const shared = (x: string, y: string) =>
    [...(keys.get(x) ?? [])].some((k) => keys.get(y)?.has(k));
  for (const [i, newer] of runs.entries()) {
    const older = runs.slice(i + 1).find((o) => o.suite === newer.suite && shared(newer.id, o.id));
    if (older) return { newer, older };
  }
  return undefined;
}
