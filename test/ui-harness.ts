import { existsSync, mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { openSqliteStore, type Store } from "../src/store/index.js";
import { createWebApp } from "../src/web/index.js";
import { ratchet } from "./cli-helpers.js";

/** Debian's Chromium (never a downloaded browser); RATCHET_CHROMIUM names another one. */
export const CHROMIUM = process.env.RATCHET_CHROMIUM ?? "/usr/bin/chromium";
export const hasChromium = (): boolean => existsSync(CHROMIUM);

export interface DemoDashboard {
  url: string;
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
  const store = await openSqliteStore(join(dir, "demo", ".ratchet", "ratchet.db"));
  const readToken = "read-token-for-the-browser-test";
  const writeToken = "write-token-for-the-browser-test";
  const app = createWebApp({ store, readToken, writeToken, storeLabel: "demo store" });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
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
