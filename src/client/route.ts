/**
 * Stable canary routing: a key (a user, a session, an account) always lands in the same arm
 * of one canary, and the server and the client agree without talking, so an application
 * may route locally from one cached answer. FNV-1a over the UTF-8 bytes, then murmur3's
 * finaliser so that neighbouring keys ("user-1", "user-2") spread evenly.
 */
export function routeBucket(canaryId: string, key: string): number {
  const bytes = new TextEncoder().encode(`${canaryId}\u0000${key}`);
  let h = 0x811c9dc5;
  for (const byte of bytes) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

/** Whether `key` is served the canary's candidate, given the canary's traffic share. */
export function routesToCandidate(canaryId: string, key: string, traffic: number): boolean {
  return routeBucket(canaryId, key) < traffic;
}
