import { isIP } from "node:net";

/**
 * Whether listening on `host` keeps the receiver on this machine. Anything else (0.0.0.0,
 * ::, a LAN address, a name that may resolve anywhere) lets other machines post traces.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  if (h === "localhost") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) return h === "::1" || /^::ffff:127\./.test(h);
  return false;
}
