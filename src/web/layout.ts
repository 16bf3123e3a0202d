import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { PageContext } from "./types.js";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The pages in the navigation, with their keyboard shortcut (`g` then the key). */
export const NAV: ReadonlyArray<{ href: string; label: string; key: string }> = [
  { href: "/", label: "Overview", key: "o" },
  { href: "/runs", label: "Runs", key: "r" },
  { href: "/failures", label: "Failures", key: "f" },
  { href: "/clusters", label: "Clusters", key: "c" },
  { href: "/review", label: "Review queue", key: "q" },
  { href: "/prompts", label: "Prompts", key: "p" },
  { href: "/gate", label: "Gate", key: "g" },
  { href: "/cycles", label: "Cycles", key: "y" },
  { href: "/canaries", label: "Canaries", key: "k" },
  { href: "/health", label: "Health", key: "h" },
  { href: "/cost", label: "Cost", key: "$" },
  { href: "/judges", label: "Judges", key: "j" },
];

// Contrast: body text #1b1f24 on #ffffff (16:1), muted #4a5260 (7.9:1), links #0b57d0 (6.4:1),
// status colours ≥ 4.5:1 on white; focus is always visible.
const CSS = `
:root{font:15px/1.45 system-ui,sans-serif;color:#1b1f24;background:#fff}
body{margin:0}a{color:#0b57d0}a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f5a623;outline-offset:1px}
header{background:#1b1f24;color:#fff;padding:.5rem 1rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
header a{color:#fff;text-decoration:none;padding:.2rem .4rem;border-radius:4px}header a[aria-current=page]{background:#3d4450}
header .brand{font-weight:700;margin-right:1rem}main{padding:1rem 1.5rem;max-width:1400px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;color:#000;padding:.5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #d0d5dd;vertical-align:top}
th{background:#f2f4f7;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#4a5260}.pass{color:#146c2e}.fail{color:#b3261e}.warn{color:#8a5300}
.badge{display:inline-block;padding:0 .4rem;border-radius:4px;border:1px solid currentColor;font-size:.85em}
pre{background:#f6f8fa;border:1px solid #d0d5dd;padding:.6rem;overflow:auto;white-space:pre-wrap;word-break:break-word;max-height:28rem}
form.inline{display:inline}button{font:inherit;padding:.25rem .7rem;border:1px solid #1b1f24;background:#fff;border-radius:4px;cursor:pointer}
button.danger{border-color:#b3261e;color:#b3261e}.pager{display:flex;gap:1rem;align-items:center}
.filters{display:flex;gap:.5rem;flex-wrap:wrap;align-items:end;margin:.5rem 0}label{display:flex;flex-direction:column;font-size:.9em}
.empty{padding:1rem;border:1px dashed #8c96a5;border-radius:6px}.kv{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
.bar{display:inline-block;height:.7rem;background:#0b57d0;vertical-align:middle}
.timeline{position:relative;height:1.1rem;background:#f2f4f7}.timeline span{position:absolute;top:0;height:100%;background:#6b8fd6}
`;

// `g` then a key goes to a page; `/` focuses the page's search box; `j`/`k` move through rows.
const KEYS = `
(()=>{const nav=${JSON.stringify(Object.fromEntries(NAV.map((n) => [n.key, n.href])))};let g=false;
addEventListener('keydown',e=>{const t=e.target;if(t instanceof HTMLInputElement||t instanceof HTMLTextAreaElement||t instanceof HTMLSelectElement||e.metaKey||e.ctrlKey||e.altKey)return;
if(g){g=false;const href=nav[e.key];if(href){e.preventDefault();location.href=href;}return;}
if(e.key==='g'){g=true;setTimeout(()=>{g=false},1500);return;}
if(e.key==='/'){const s=document.querySelector('input[type=search]');if(s){e.preventDefault();s.focus();}return;}
if(e.key==='j'||e.key==='k'){const rows=[...document.querySelectorAll('tbody tr a:first-of-type')];if(!rows.length)return;
const i=rows.indexOf(document.activeElement);const n=e.key==='j'?Math.min(rows.length-1,i+1):Math.max(0,i-1);rows[n].focus();e.preventDefault();}});})();
`;

export function page(
  ctx: PageContext,
  options: { title: string; path: string; body: Html; script?: string },
): Html {
  const current = NAV.find((n) =>
    n.href === "/" ? options.path === "/" : options.path.startsWith(n.href),
  );
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${options.title} · Ratchet</title><style>${raw(CSS)}</style></head>
<body><a class="skip" href="#main">Skip to content</a>
<header><span class="brand">Ratchet</span><nav aria-label="Pages">${NAV.map(
    (n) =>
      html`<a href="${n.href}" ${n === current ? raw('aria-current="page"') : ""} title="g ${n.key}">${n.label}</a> `,
  )}</nav><span class="muted" style="margin-left:auto;color:#c9d1d9">${ctx.role === "write" ? "read + write" : "read only"}</span></header>
<main id="main" tabindex="-1"><h1>${options.title}</h1>${options.body}</main>
<script>${raw(KEYS)}${raw(options.script ?? "")}</script></body></html>`;
}

/** The page for an empty area: what to run to fill it. */
export function empty(what: string, command: string): Html {
  return html`<p class="empty">${what} Run <code>${command}</code> first.</p>`;
}

/** A hidden field with the session's CSRF token, for every form that writes. */
export function csrfField(ctx: PageContext): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;
}

/**
 * A page that follows something live reloads itself every `everyMs`, but only once the server
 * answers: a lost connection is said in a status line and retried with a growing pause (up to
 * 30 s) instead of leaving the browser on its own error page; an ended session is said too.
 */
export function reloadWhenReachable(everyMs: number): string {
  return `(()=>{let wait=${everyMs},lost=0;const say=t=>{let s=document.getElementById('live-state');
if(!s){s=document.createElement('p');s.id='live-state';s.setAttribute('role','status');s.className='muted';document.querySelector('main').prepend(s);}s.textContent=t;};
const go=()=>fetch(location.href,{cache:'no-store'}).then(r=>{if(r.status===401){say('Signed out: sign in again to follow this page.');return;}if(!r.ok)throw new Error('HTTP '+r.status);location.reload();})
.catch(()=>{lost++;wait=Math.min(30000,wait*2);say('Connection lost; reconnecting in '+Math.round(wait/1000)+' s (try '+lost+').');setTimeout(go,wait);});
setTimeout(go,wait);})();`;
}
