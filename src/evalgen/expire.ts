import type { SuiteCaseRef } from "./suites.js";

export interface ExpiredCase {
  file: string;
  id: string;
  expires_at: string;
  owner?: string;
}

/** Cases whose `expires_at` is at or before `now`; an unreadable date is never "expired". */
export async function expiredCases(
  cases: AsyncIterable<SuiteCaseRef>,
  now: Date = new Date(),
): Promise<ExpiredCase[]> {
  const out: ExpiredCase[] = [];
  for await (const { file, case: c } of cases) {
    if (c.expires_at === undefined) continue;
    const at = Date.parse(c.expires_at);
    if (Number.isNaN(at) || at > now.getTime()) continue;
    out.push({ file, id: c.id, expires_at: c.expires_at, ...(c.owner ? { owner: c.owner } : {}) });
  }
  return out;
}
