import { html } from "hono/html";
import type { Html } from "../layout.js";

/** `name@hash` split at its last `@` (a prompt name may itself hold one). */
export function splitRef(ref: string): { name: string; hash: string } {
  const at = ref.lastIndexOf("@");
  return at < 0 ? { name: ref, hash: "" } : { name: ref.slice(0, at), hash: ref.slice(at + 1) };
}

/** A prompt version as a link to its page, shown as `name@hash12`. */
export function versionLink(ref: string | undefined): Html {
  if (!ref) return html`—`;
  const { name, hash } = splitRef(ref);
  if (hash === "") return html`${ref}`;
  return html`<a href="/prompts/${encodeURIComponent(name)}/${encodeURIComponent(hash)}">${name}@${hash.slice(0, 12)}</a>`;
}

export const decisionLink = (id: string | undefined): Html =>
  id ? html`<a href="/gate/${encodeURIComponent(id)}">${id}</a>` : html`—`;
