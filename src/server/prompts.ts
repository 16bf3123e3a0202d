import type { Hono } from "hono";
import { routesToCandidate } from "../client/index.js";
import { checkLabel, checkPromptName, DEFAULT_LABEL } from "../prompts/index.js";
import type { LiveStore, PromptStore, StoredPromptVersion } from "../store/index.js";

export interface PromptRouteOptions {
  prompts: PromptStore;
  /** Running canaries route a share of a label's keys to their candidate. */
  live?: LiveStore;
  authorized: (authorization: string | undefined) => boolean;
}

const HASH_PREFIX = /^[0-9a-f]{7,64}$/;
const MAX_KEY_LENGTH = 256;

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
    const routeKey = c.req.query("key");
    if (routeKey !== undefined && (routeKey === "" || routeKey.length > MAX_KEY_LENGTH)) {
      return problem(400, `?key= must be 1 to ${MAX_KEY_LENGTH} characters (a user or session id)`);
    }
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
    const body: Record<string, unknown> = {
      name,
      version: version.hash,
      label,
      content: version.content,
      settings: version.settings ?? null,
    };
    let etag = `"${version.hash}"`;
    const canary =
      label !== null && options.live ? await options.live.runningCanary(name, label) : undefined;
    // A canary whose control is no longer the label's target is stale (the label was moved
    // by hand): serve the label; `watch` ends the canary.
    if (canary !== undefined && canary.control_hash === version.hash) {
      const candidate = await options.prompts.getVersion(name, canary.candidate_hash);
      if (candidate !== undefined) {
        if (routeKey !== undefined) {
          const toCandidate = routesToCandidate(canary.id, routeKey, canary.traffic);
          const served = toCandidate ? candidate : version;
          body.version = served.hash;
          body.content = served.content;
          body.settings = served.settings ?? null;
          body.canary = {
            id: canary.id,
            traffic: canary.traffic,
            arm: toCandidate ? "candidate" : "control",
          };
          etag = `"${served.hash}+${canary.id}"`;
        } else {
          // No key: the control, plus what a client needs to route its own keys locally.
          body.canary = {
            id: canary.id,
            traffic: canary.traffic,
            candidate: {
              version: candidate.hash,
              content: candidate.content,
              settings: candidate.settings ?? null,
            },
          };
          etag = `"${version.hash}+${canary.id}"`;
        }
      }
    }
    const headers = { etag, "cache-control": "no-cache" };
    if (matches(c.req.header("if-none-match"), etag)) {
      return new Response(null, { status: 304, headers });
    }
    return new Response(JSON.stringify(body), {
      status: 200,
      headers: { ...headers, "content-type": "application/json" },
    });
  });
}
