import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import type { Role } from "./types.js";

export const SESSION_COOKIE = "ratchet_ui";
const SESSION_TTL_MS = 12 * 60 * 60_000;
const MAX_SESSIONS = 1000;

interface Session {
  role: Role;
  csrf: string;
  expires: number;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function newToken(): string {
  return randomBytes(24).toString("base64url");
}

/**
 * Tokens are exchanged once for an HttpOnly, SameSite=Strict session cookie (so the token
 * leaves the address bar and never reaches the page's scripts); every write also needs the
 * session's CSRF token in the form and a same-origin `Origin`. API clients may send
 * `Authorization: Bearer <token>` instead of a cookie.
 */
export class Sessions {
  readonly #sessions = new Map<string, Session>();

  constructor(
    private readonly readToken: string,
    private readonly writeToken: string,
  ) {}

  /** The role a token grants, if any. */
  roleOf(token: string | undefined): Role | undefined {
    if (token === undefined || token === "") return undefined;
    if (same(token, this.writeToken)) return "write";
    if (same(token, this.readToken)) return "read";
    return undefined;
  }

  open(role: Role): { id: string; session: Session } {
    const now = Date.now();
    if (this.#sessions.size >= MAX_SESSIONS) {
      for (const [id, s] of this.#sessions) if (s.expires < now) this.#sessions.delete(id);
      const oldest = this.#sessions.keys().next().value;
      if (this.#sessions.size >= MAX_SESSIONS && oldest !== undefined)
        this.#sessions.delete(oldest);
    }
    const session = { role, csrf: newToken(), expires: now + SESSION_TTL_MS };
    const id = newToken();
    this.#sessions.set(id, session);
    return { id, session };
  }

  get(id: string | undefined): Session | undefined {
    if (id === undefined) return undefined;
    const session = this.#sessions.get(id);
    if (session === undefined || session.expires < Date.now()) return undefined;
    return session;
  }

  close(id: string | undefined): void {
    if (id !== undefined) this.#sessions.delete(id);
  }

  /** The caller's session: from the cookie, or a bearer token (no CSRF then: no cookie). */
  fromRequest(c: Context, cookie: string | undefined): Session | undefined {
    const bearer = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
    const role = this.roleOf(bearer);
    if (role !== undefined) return { role, csrf: "", expires: Date.now() + 1 };
    return this.get(cookie);
  }
}

/** A write must come from our own pages: same origin, with the session's CSRF token. */
export function sameOrigin(c: Context): boolean {
  const origin = c.req.header("origin") ?? c.req.header("referer");
  if (origin === undefined) return false;
  try {
    return new URL(origin).host === new URL(c.req.url).host;
  } catch {
    return false;
  }
}

export { same as tokensEqual };
