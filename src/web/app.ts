import { type Context, Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { html } from "hono/html";
import { errorMessage, isInputError } from "../core/index.js";
import { rollbackPrompt } from "../prompts/index.js";
import { SESSION_COOKIE, Sessions, sameOrigin, tokensEqual } from "./auth.js";
import type { Html } from "./layout.js";
import { page } from "./layout.js";
import { attemptPage } from "./pages/attempt.js";
import { comparePage } from "./pages/compare.js";
import { overviewPage } from "./pages/overview.js";
import { promptPage, promptsPage, rollbackConfirmPage, versionPage } from "./pages/prompts.js";
import { breakdownPage, runPage, runProgress } from "./pages/run.js";
import { runsPage } from "./pages/runs.js";
import { EXTRA_ROUTES } from "./routes.js";
import type { PageContext, WebOptions } from "./types.js";

export type WebEnv = { Variables: { page: PageContext; sessionId: string | undefined } };

/** A write's form, once the caller is shown to hold write rights and came from our pages. */
export async function writeForm(
  c: Context<WebEnv>,
): Promise<{ form: Record<string, string> } | { response: Response }> {
  const ctx = c.get("page");
  if (ctx.role !== "write") {
    return { response: c.text("this needs the write token (ratchet ui prints it)", 403) };
  }
  const body = await c.req.parseBody().catch(() => undefined);
  if (body === undefined) return { response: c.text("the form could not be read", 400) };
  const form = Object.fromEntries(
    Object.entries(body).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
  // A bearer caller has no cookie, so nothing can forge its requests; a cookie caller must
  // come from our own page with its session's token.
  const cookieSession = c.get("sessionId") !== undefined;
  if (cookieSession && (!sameOrigin(c) || !tokensEqual(form._csrf ?? "", ctx.csrf))) {
    return { response: c.text("cross-site or stale form: reload the page and try again", 403) };
  }
  return { form };
}

export async function render(c: Context<WebEnv>, body: Html | undefined, status = 200) {
  if (body === undefined) {
    return c.html(
      await page(c.get("page"), {
        title: "Not found",
        path: "",
        body: html`<p>Nothing here: the link may name something that no longer exists. <a href="/">Overview</a></p>`,
      }),
      404,
    );
  }
  return c.html(await body, status as 200);
}

/**
 * The dashboard: server-rendered pages over the store, every view a URL, paged in SQL.
 * Reading needs the read or the write token; approving, labelling and rolling back need the
 * write token, a same-origin request and the session's CSRF token.
 */
export function createWebApp(options: WebOptions): Hono<WebEnv> {
  const sessions = new Sessions(options.readToken, options.writeToken);
  const app = new Hono<WebEnv>();

  app.use("*", async (c, next) => {
    c.header("x-content-type-options", "nosniff");
    c.header("x-frame-options", "DENY");
    c.header("referrer-policy", "same-origin");
    c.header(
      "content-security-policy",
      "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    await next();
  });

  const login = async (c: Context<WebEnv>, token: string | undefined) => {
    const role = sessions.roleOf(token);
    if (role === undefined) {
      return c.html(loginForm("That token is not valid for this dashboard."), 401);
    }
    const { id } = sessions.open(role);
    setCookie(c, SESSION_COOKIE, id, {
      httpOnly: true,
      sameSite: "Strict",
      path: "/",
      maxAge: 12 * 60 * 60,
    });
    return c.redirect("/", 303);
  };
  app.get("/login", (c) => {
    const token = c.req.query("token");
    return token === undefined ? c.html(loginForm()) : login(c, token);
  });
  app.post("/login", async (c) => {
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    return login(c, typeof body.token === "string" ? body.token.trim() : undefined);
  });
  app.get("/healthz", (c) => c.json({ ok: true }));

  app.use("*", async (c, next) => {
    const cookie = getCookie(c, SESSION_COOKIE);
    const session = sessions.fromRequest(c, cookie);
    if (session === undefined) {
      if (c.req.method === "GET" && !c.req.path.startsWith("/api/")) {
        return c.html(loginForm(), 401);
      }
      return c.json({ code: 401, message: "missing or invalid token" }, 401);
    }
    c.set("sessionId", sessions.get(cookie) ? cookie : undefined);
    c.set("page", {
      store: options.store,
      role: session.role,
      csrf: session.csrf,
      ...(options.project ? { project: options.project } : {}),
    });
    await next();
  });

  app.get("/", async (c) =>
    render(c, await overviewPage(c.get("page"), new URL(c.req.url), options.storeLabel)),
  );
  app.get("/runs", async (c) => render(c, await runsPage(c.get("page"), new URL(c.req.url))));
  app.get("/compare", async (c) => {
    const { body, status } = await comparePage(c.get("page"), new URL(c.req.url));
    return render(c, body, status);
  });
  app.get("/runs/:id/breakdown", async (c) =>
    render(c, await breakdownPage(c.get("page"), c.req.param("id"))),
  );
  app.get("/runs/:id", async (c) =>
    render(c, await runPage(c.get("page"), new URL(c.req.url), c.req.param("id"))),
  );
  app.get("/api/runs/:id/progress", async (c) => {
    const ctx = c.get("page");
    const run = await ctx.store.getRun(c.req.param("id"));
    if (run === undefined) return c.json({ code: 404, message: "no such run" }, 404);
    c.header("cache-control", "no-store");
    return c.json({ id: run.id, status: run.status, ...runProgress(ctx, run.id) });
  });
  app.get("/attempts/:id", async (c) =>
    render(c, await attemptPage(c.get("page"), c.req.param("id"))),
  );
  app.get("/prompts", async (c) => render(c, await promptsPage(c.get("page"))));
  app.get("/prompts/:name/rollback", async (c) =>
    render(
      c,
      await rollbackConfirmPage(
        c.get("page"),
        c.req.param("name"),
        c.req.query("label") ?? "production",
      ),
    ),
  );
  app.post("/prompts/:name/rollback", async (c) => {
    const got = await writeForm(c);
    if ("response" in got) return got.response;
    const name = c.req.param("name");
    const label = got.form.label ?? "production";
    const ctx = c.get("page");
    const current = (await ctx.store.prompts.listLabels(name)).find((l) => l.label === label);
    if (current === undefined || current.hash !== got.form.expected) {
      const notice = html`<p class="empty fail" role="alert">Not rolled back: someone moved ${name}@${label} since you loaded the page (it now points at ${current?.hash.slice(0, 12) ?? "nothing"}). Check the history below and try again.</p>`;
      return render(c, await promptPage(ctx, name, notice), 409);
    }
    try {
      await rollbackPrompt(ctx.store, name, label, {
        actor: "dashboard",
        ...(got.form.reason ? { reason: got.form.reason } : {}),
      });
    } catch (error) {
      if (!isInputError(error)) throw error;
      const notice = html`<p class="empty fail" role="alert">Not rolled back: ${errorMessage(error)}</p>`;
      return render(c, await promptPage(ctx, name, notice), 409);
    }
    return c.redirect(`/prompts/${encodeURIComponent(name)}`, 303);
  });
  app.get("/prompts/:name/:hash", async (c) =>
    render(c, await versionPage(c.get("page"), c.req.param("name"), c.req.param("hash"))),
  );
  app.get("/prompts/:name", async (c) =>
    render(c, await promptPage(c.get("page"), c.req.param("name"))),
  );
  for (const register of EXTRA_ROUTES) register(app);
  app.notFound((c) => (c.get("page") ? render(c, undefined) : c.text("not found", 404)));
  return app;
}

function loginForm(problem?: string) {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Ratchet · sign in</title></head>
<body style="font:16px system-ui;max-width:36rem;margin:3rem auto;color:#1b1f24">
<h1>Ratchet dashboard</h1>${problem ? html`<p role="alert" style="color:#b3261e">${problem}</p>` : ""}
<p>Paste the read or write token that <code>ratchet ui</code> printed (or open the link it printed).</p>
<form method="post" action="/login"><label>Token <input name="token" type="password" autocomplete="off" required autofocus></label> <button>Sign in</button></form>
</body></html>`;
}
