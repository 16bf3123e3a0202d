import type { Hono } from "hono";
import type { WebEnv } from "../app.js";
import { registerLivePages } from "./canaries.js";
import { registerCostPages } from "./cost.js";
import { registerCyclePages } from "./cycles.js";
import { registerGatePages } from "./gate.js";

/** The loop's pages: gate decisions, improvement cycles, canaries and loop health, cost and judges. */
export function registerLoopPages(app: Hono<WebEnv>): void {
  registerGatePages(app);
  registerCyclePages(app);
  registerLivePages(app);
  registerCostPages(app);
}
