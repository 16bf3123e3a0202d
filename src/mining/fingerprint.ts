import { createHash } from "node:crypto";
import type { FailureSignalType } from "../core/index.js";

// The lookbehinds anchor each match at the start of a run: without them a long run of word
// characters is rescanned from every position (quadratic; measured 1.3 ms per failure).
const EMAIL = /(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const URL_RE = /\bhttps?:\/\/\S+/g;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const HEX = /\b[0-9a-f]{12,}\b/gi;
const CARD = /(?<!\d)\d(?:[ -]?\d){12,18}\b/g;
const PHONE = /(?:\+\d{1,3}[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}\b/g;
/** Tokens mixing letters and digits: order ids, user ids, flight numbers (`mia_li_3668`, `HAT136`). */
// Tried only at the first word character of a `[\w-]` run (the lookbehind): the lookaheads
// scan to the run's end, so trying every `\b` of an `a-a-a-…` run was quadratic. A later
// start in the same run can only succeed where the first one did, so matches are unchanged.
const MIXED_ID = /\b(?<=(?:^|[^\w-])-*)(?=[\w-]*\d)(?=[\w-]*[a-z])[\w-]{4,}\b/gi;
const NUMBER = /\d+(?:[.,]\d+)*/g;

/**
 * Masks what differs between two reports of the same failure — emails, urls, ids, numbers —
 * so that "order #8812 not found" and "order #1204 not found" fingerprint alike.
 */
export function normalizeForFingerprint(text: string): string {
  return text
    .toLowerCase()
    .replace(EMAIL, "<email>")
    .replace(URL_RE, "<url>")
    .replace(UUID, "<id>")
    .replace(HEX, "<id>")
    .replace(MIXED_ID, "<id>")
    .replace(NUMBER, "<n>")
    .replace(/["'`]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 2000);
}

/**
 * Signal type, detector and normalized evidence. The detector is part of it so that two
 * detectors firing on the same trace (an error root and its error outcome) stay two failures.
 */
export function fingerprint(type: FailureSignalType, detector: string, evidence: string): string {
  return createHash("sha256")
    .update(`${type}\u0000${detector}\u0000${normalizeForFingerprint(evidence)}`)
    .digest("hex")
    .slice(0, 24);
}

/**
 * A light mask for the failure's stored text (emails, card and phone numbers). Ingest is
 * expected to redact already; this keeps the failures table safe if it did not.
 */
export function maskPersonalData(text: string): string {
  return text.replace(EMAIL, "<email>").replace(CARD, "<card>").replace(PHONE, "<phone>");
}
