import type { Hono } from "hono";
import type { WebEnv } from "./app.js";
import { registerLoopPages } from "./pages/loop-routes.js";
import { registerQueue } from "./queue.js";

/**
 * Pages registered beside the built-in ones, one function per area (failures and clusters,
 * the review queue, gate and cycles, canaries and health, cost and judges). Each adds its
 * own GET routes and, for writes, POST routes that go through `writeForm`.
 */
export const EXTRA_ROUTES: ReadonlyArray<(app: Hono<WebEnv>) => void> = [
  registerQueue,
  registerLoopPages,
];
