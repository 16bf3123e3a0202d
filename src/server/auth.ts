import { createHash, timingSafeEqual } from "node:crypto";

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

/**
 * Constant-time bearer check: both sides are hashed to equal length first, so neither the
 * comparison nor a length check leaks how much of the token matched.
 */
export function createTokenCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => {
    const match = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? "");
    const given = digest(match?.[1]?.trim() ?? "");
    // Hash-compare even when the header is absent, so timing does not reveal which case.
    return timingSafeEqual(expected, given) && match !== null;
  };
}
