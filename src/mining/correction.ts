import { lastBefore, plain, turnSignal } from "./turns.js";
import type { Detector, Signal, TraceMessage, TraceView } from "./types.js";

/**
 * A correction contradicts or re-asks what the assistant just said. These phrases do so
 * whatever came before them.
 */
const CONTRADICTS: readonly RegExp[] = [
  /\bthat(?:'s| is|'s just| is just) (?:not (?:right|correct|true|accurate|it|the one|mine)|wrong|incorrect|inaccurate)\b/,
  /\b(?:that's|that is|this is|it's|it is) not what i (?:asked|wanted|meant|said|requested|need)\b/,
  /\bnot what i (?:asked|wanted|meant|said|requested)(?: for)?\b/,
  /\byou(?:'re| are| have| got| must have)? (?:wrong|mistaken|misunderstood|misread|confused)\b/,
  /\byou (?:got|have) (?:it|that|this|the \w+) wrong\b/,
  /\byou did(?:n't| not) (?:listen|understand|read|hear)\b/,
  /\bi did(?:n't| not) (?:ask|say|want|mean|request|order|book)\b/,
  /\bi never (?:asked|said|wanted|requested|ordered|booked)\b/,
  /\b(?:as )?i (?:already )?(?:said|told you|mentioned|explained)\b/,
  /\bi meant\b/,
  /\b(?:wrong|incorrect) (?:answer|order|item|account|date|amount|flight|one|number|name|address|reservation|booking|time|person|city|price|product|information)\b/,
  /\b(?:let me|i'll|i will) (?:ask|say|repeat) (?:it |that |this |my question )?again\b/,
  /\b(?:please |can you |could you )?(?:check|look|try) (?:again|once more)\b/,
];

/** A reply that opens with "no" (or "nope", "nah"). */
const LEADING_NO = /^\s*(?:no|nope|nah)\b(?![-'])/;

/**
 * "No" that closes or declines: "no thanks", "no, that's all", "no, I'm good", "no, I don't
 * want…". A decline turns down an offer; it does not say the answer was wrong.
 */
const DECLINES =
  /^\s*(?:no|nope|nah)\b[\s,.!-]*(?:(?:thanks|thank you|thx)\b|that(?:'s| is| will be| would be) (?:all|it|everything|fine|ok|okay|alright|good|enough)|(?:i'm|i am) (?:good|fine|all set|ok|okay|done)|all (?:good|set)|nothing(?: else)?\b|not (?:now|today|right now|at the moment|yet)\b|(?:no )?(?:need|problem|worries)\b|(?:i|we) (?:don't|do not|would not|wouldn't|won't|will not|'d rather not|would rather not|prefer not)\b|(?:i'd|i would) (?:rather|prefer) not\b|(?:i|we) (?:think|guess) (?:that's|not)\b)/;

/**
 * The assistant asked or offered something: "No" then answers it. A question mark, or the
 * phrasings that ask without one ("let me know if…", "please confirm").
 */
const ASKS =
  /\?|\blet me know\b|\bplease (?:confirm|let me know|tell me|provide|share)\b|\b(?:would|do) you (?:like|want|prefer)\b|\bshall i\b|\bif you(?:'d| would)? (?:like|want|prefer)\b/;

const STOP = new Set(
  "the and for you your are was were can could would will please with that this have has had not but from what when where which who how about any all just into out our off then than them they their there its it's i'm also been being did does do get got may might must need should some such very too".split(
    " ",
  ),
);

function contentWords(text: string): Set<string> {
  const words = plain(text).match(/[a-z0-9]+/g) ?? [];
  return new Set(words.filter((w) => w.length >= 3 && !STOP.has(w)));
}

/** Share of the words two messages have in common (Jaccard). */
function overlap(a: Set<string>, b: Set<string>): number {
  let common = 0;
  for (const w of a) if (b.has(w)) common++;
  const union = a.size + b.size - common;
  return union === 0 ? 0 : common / union;
}

/** A user message asking again what an earlier one asked, after an answer came in between. */
const REPEAT_MIN_WORDS = 4;
const REPEAT_MIN_OVERLAP = 0.6;

interface Hit {
  index: number;
  why: string;
}

function correctionAt(messages: readonly TraceMessage[], i: number): Hit | undefined {
  const m = messages[i];
  if (m?.role !== "user") return undefined;
  const answer = lastBefore(messages, i, "assistant");
  if (!answer) return undefined;
  const text = plain(m.content);
  for (const re of CONTRADICTS) {
    const hit = re.exec(text);
    if (hit) return { index: i, why: `says "${hit[0]}"` };
  }
  if (LEADING_NO.test(text) && !DECLINES.test(text) && !ASKS.test(plain(answer.content))) {
    return { index: i, why: `answers a statement with "no"` };
  }
  const words = contentWords(m.content);
  if (words.size >= REPEAT_MIN_WORDS) {
    const answeredAt = messages.lastIndexOf(answer);
    for (let j = 0; j < answeredAt; j++) {
      const earlier = messages[j];
      if (earlier?.role !== "user") continue;
      const before = contentWords(earlier.content);
      if (before.size >= REPEAT_MIN_WORDS && overlap(words, before) >= REPEAT_MIN_OVERLAP) {
        return { index: i, why: "asks again what it asked before the answer" };
      }
    }
  }
  return undefined;
}

/**
 * `user-correction`: a user message that contradicts or re-asks the assistant's previous
 * answer — "No, I said…", "that's wrong", "not what I asked", "I meant…", the same question
 * again. Polite closings and declined offers ("No, thank you", "No, that's all") are not
 * corrections, nor is "no" answering the assistant's own question.
 */
export const userCorrectionDetector: Detector = {
  name: "user-correction",
  type: "user_correction",
  severity: "medium",
  weight: 1,
  description: "a user message contradicts or re-asks the answer before it",
  detect(trace: TraceView): Signal | undefined {
    const messages = trace.messages;
    for (let i = 0; i < messages.length; i++) {
      const hit = correctionAt(messages, i);
      if (!hit) continue;
      const user = messages[i] as TraceMessage;
      const answer = lastBefore(messages, i, "assistant") as TraceMessage;
      return turnSignal(this, `: the user ${hit.why}`, user.content, [answer, user]);
    }
    return undefined;
  },
};
