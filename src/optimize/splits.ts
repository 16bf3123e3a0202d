import { createHash } from "node:crypto";

export interface Splits {
  train: string[];
  validation: string[];
}

/**
 * Training and validation cases, by a seeded hash of the case id (stable as suites grow: a
 * case keeps its split). The sealed cases are not here: the caller leaves them out, and only
 * the gate runs them. With one case, it trains; validation needs at least two.
 */
export function splitCases(caseIds: readonly string[], share: number, seed: number): Splits {
  const train: string[] = [];
  const validation: string[] = [];
  for (const id of caseIds) {
    const h = createHash("sha256").update(`${seed}\u0000${id}`).digest();
    (h.readUInt32BE(0) / 0x1_0000_0000 < share ? validation : train).push(id);
  }
  if (train.length === 0 && validation.length > 0) train.push(validation.shift() as string);
  return { train, validation };
}
