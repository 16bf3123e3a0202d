/**
 * `web/`: the dashboard. Server-rendered HTML (Hono's `html` template, escaped by default)
 * over the store's paged queries; every view is a URL; a few lines of inline script for
 * keyboard navigation and live reloads; no build step and nothing fetched from a CDN.
 */
export type { WebEnv } from "./app.js";
export { createWebApp, render, writeForm } from "./app.js";
export { newToken, SESSION_COOKIE } from "./auth.js";
export type { Html } from "./layout.js";
export { csrfField, empty, NAV, page } from "./layout.js";
export type { PageContext, Role, WebOptions, WebProject } from "./types.js";
