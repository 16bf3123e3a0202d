import { html } from "hono/html";
import type { Html } from "./layout.js";

export function pct(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "—" : `${(x * 100).toFixed(1)}%`;
}

export function num(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString("en-US");
  return Number(x.toPrecision(digits)).toString();
}

export function usd(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "—" : `$${x.toFixed(4)}`;
}

export function ms(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "—" : `${Math.round(x)} ms`;
}

export function when(iso: string | null | undefined): string {
  return iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : "—";
}

export const short = (hash: string): string => hash.slice(0, 12);

/** `name@<64 hex>` as `name@<12 hex>`: the full hash stays in the link and the title. */
export function shortVersion(version: string | null | undefined): string {
  if (!version) return "—";
  const at = version.lastIndexOf("@");
  return at < 0 ? version : `${version.slice(0, at)}@${version.slice(at + 1, at + 13)}`;
}

export function statusBadge(status: string): Html {
  const cls = /^(passed|promote|promoted|completed|finished|accepted|ok|approved|running)$/.test(
    status,
  )
    ? "pass"
    : /^(failed|error|block|rolled_back|rejected|breach)$/.test(status)
      ? "fail"
      : "warn";
  return html`<span class="badge ${cls}">${status}</span>`;
}

/** Page through a list: links keep the other query parameters. */
export function pager(
  url: URL,
  pageIndex: number,
  pageSize: number,
  shown: number,
  total?: number,
): Html {
  const link = (p: number) => {
    const next = new URL(url);
    next.searchParams.set("page", String(p));
    return `${next.pathname}${next.search}`;
  };
  const last = total === undefined ? undefined : Math.max(0, Math.ceil(total / pageSize) - 1);
  return html`<nav class="pager" aria-label="Pages">
${pageIndex > 0 ? html`<a href="${link(pageIndex - 1)}" rel="prev">← newer</a>` : ""}
<span class="muted">page ${pageIndex + 1}${last !== undefined ? ` of ${last + 1}` : ""}${total !== undefined ? ` · ${total.toLocaleString("en-US")} in all` : ""}</span>
${shown === pageSize && (last === undefined || pageIndex < last) ? html`<a href="${link(pageIndex + 1)}" rel="next">older →</a>` : ""}
</nav>`;
}

export function pageOf(url: URL): number {
  const p = Number(url.searchParams.get("page") ?? "0");
  return Number.isSafeInteger(p) && p >= 0 && p < 1_000_000 ? p : 0;
}
