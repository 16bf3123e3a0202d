import type { Hono } from "hono";
import { checkLabel, checkPromptName, DEFAULT_LABEL } from "../prompts/index.js";
import type { PromptStore, StoredPromptVersion } from "../store/index.js";

export interface PromptRouteOptions {
  prompts: PromptStore;
  authorized: (authorization: string | undefined) => boolean;
}

const HASH_PREFIX = /^[0-9a-f]{7,64}$/;

function problem(status: number, message: string): Response {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "cache-control": "no-cache",
  };
  if (status === 401) headers["www-authenticate"] = 'Bearer realm="ratchet"';
  return new Response(JSON.stringify({ code: status, message }), { status, headers });
}

function valid(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** `If-None-Match` holds the version's ETag (a list, weak or not, or `*`). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch
    .split(",")
    .map((tag) => tag.trim().replace(/^W\//, ""))
    .some((tag) => tag === "*" || tag === etag);
}

/**
 * `GET /v1/prompts/:name?label=production` (or `?version=<hash or prefix ≥ 7>`): the live
 * version for applications, behind the receiver's bearer token. The ETag is the version
 * hash, so a client revalidates with `If-None-Match` and gets 304 until a label moves.
 */
export function addPromptRoutes(app: Hono, options: PromptRouteOptions): void {
  app.get("/v1/prompts/:name", async (c) => {
    if (!options.authorized(c.req.header("authorization"))) {
      return problem(401, "missing or invalid bearer token");
    }
    const name = c.req.param("name");
    const labelParam = c.req.query("label");
    const versionParam = c.req.query("version");
    if (labelParam !== undefined && versionParam !== undefined) {
      return problem(400, "give either ?label= or ?version=, not both");
    }
    const badName = valid(() => checkPromptName(name));
    if (badName) return problem(400, badName);
    let version: StoredPromptVersion | undefined;
    let label: string | null = null;
    if (versionParam !== undefined) {
      if (!HASH_PREFIX.test(versionParam)) {
        return problem(400, "?version= must be a hash or a prefix of at least 7 hex digits");
      }
      const found = await options.prompts.findByPrefix(name, versionParam);
      if (found.length > 1) return problem(400, `?version=${versionParam} is ambiguous`);
      version = found[0];
      if (version === undefined) {
        return problem(404, `no version of '${name}' matches ${versionParam}`);
      }
    } else {
      label = labelParam ?? DEFAULT_LABEL;
      const badLabel = valid(() => checkLabel(label as string));
      if (badLabel) return problem(400, badLabel);
      const labels = await options.prompts.listLabels(name);
      const hit = labels.find((l) => l.label === label);
      if (hit === undefined) {
        const known = labels.length > 0 || (await options.prompts.listNames()).includes(name);
        return problem(
          404,
          known ? `prompt '${name}' has no label '${label}'` : `no prompt named '${name}'`,
        );
      }
      version = await options.prompts.getVersion(name, hit.hash);
      if (version === undefined)
        return problem(404, `${name}@${label} points at a missing version`);
    }
    const etag = `"${version.hash}"`;
    const headers = { etag, "cache-control": "no-cache" };
    if (matches(c.req.header("if-none-match"), etag)) {
      return new Response(null, { status: 304, headers });
    }
    return new Response(
      JSON.stringify({
        name,
        version: version.hash,
        label,
        content: version.content,
        settings: version.settings ?? null,
      }),
      { status: 200, headers: { ...headers, "content-type": "application/json" } },
    );
  });
}
