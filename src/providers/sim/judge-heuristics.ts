/**
 * The sim judge's evidence-only heuristics: lexical overlap with the reference, rubric keyword
 * checks, instruction coverage, simple format constraints, length and refusal. Each returns a
 * quality in 0..1 and a short, fixed-vocabulary reason (never text copied from the candidate,
 * so a candidate cannot write the judge's reasoning).
 */

const STOPWORDS = new Set(
  (
    "a an the and or but if then else of to in on at by for with from as is are was were be been " +
    "being it its this that these those i you he she we they me my your our their his her them us " +
    "do does did done have has had not no yes so such than too very can could should would will " +
    "shall may might must about into over under again further once here there when where why how " +
    "all any both each few more most other some own same only just also what which who whom whose " +
    "up down out off nor s t don now please"
  ).split(" "),
);

export function contentWords(text: string): string[] {
  const words = text.toLowerCase().match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? [];
  return words
    .filter((w) => !STOPWORDS.has(w) && (w.length > 1 || /\d/.test(w)))
    .map((w) => (w.length > 4 && w.endsWith("s") && !w.endsWith("ss") ? w.slice(0, -1) : w));
}

function bag(words: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const w of words) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}

/** Multiset overlap: recall of `reference` words in `candidate`, and precision. */
export function overlap(
  candidate: string,
  reference: string,
): { recall: number; precision: number } {
  const c = bag(contentWords(candidate));
  const r = bag(contentWords(reference));
  let common = 0;
  let rTotal = 0;
  let cTotal = 0;
  for (const [w, n] of r) {
    rTotal += n;
    common += Math.min(n, c.get(w) ?? 0);
  }
  for (const n of c.values()) cTotal += n;
  return { recall: rTotal ? common / rTotal : 0, precision: cTotal ? common / cTotal : 0 };
}

const REFUSAL =
  /\b(i can(?:no|')t (?:help|assist|provide|do|comply)|i(?: am|'m) (?:sorry|unable|not able)|i won'?t|as an ai\b|i must decline|cannot (?:help|assist|comply) with)/i;

export function isRefusal(text: string): boolean {
  return REFUSAL.test(text.slice(0, 400));
}

function numbers(text: string): string[] {
  return text.match(/\d+(?:[.,]\d+)?/g)?.map((n) => n.replace(",", ".")) ?? [];
}

/** Quoted phrases in the rubric; those after "not"/"never"/"avoid" are forbidden. */
export function rubricKeywords(rubric: string): { required: string[]; forbidden: string[] } {
  const required: string[] = [];
  const forbidden: string[] = [];
  for (const m of rubric.matchAll(/["'`\u201c]([^"'`\u201d\n]{2,60})["'`\u201d]/g)) {
    const before = rubric.slice(Math.max(0, m.index - 40), m.index).toLowerCase();
    if (/\b(not|never|avoid|without|no)\b[^.;]*$/.test(before)) forbidden.push(m[1]!);
    else required.push(m[1]!);
  }
  return { required, forbidden };
}

export interface Quality {
  value: number;
  reasons: string[];
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** Pointwise quality of a candidate against the rubric, the input and the reference. */
export function pointwiseQuality(
  candidate: string,
  rubric: string,
  input: string | undefined,
  reference: string | undefined,
): Quality {
  const reasons: string[] = [];
  if (candidate.trim() === "") return { value: 0, reasons: ["the output is empty"] };
  const parts: Array<{ v: number; w: number }> = [];
  const wantsRefusal = /\b(refus|declin|must not (help|comply|assist|provide))/i.test(rubric);
  const refused = isRefusal(candidate);
  if (wantsRefusal) {
    parts.push({ v: refused ? 1 : 0.1, w: 2 });
    reasons.push(refused ? "declines as the rubric asks" : "does not decline as the rubric asks");
  } else if (refused) {
    parts.push({ v: 0.1, w: 2 });
    reasons.push("refuses a request the rubric expects to be answered");
  }
  if (reference !== undefined && reference.trim() !== "") {
    const { recall, precision } = overlap(candidate, reference);
    const lexical = 0.75 * recall + 0.25 * precision;
    parts.push({ v: clamp01(lexical * 1.25), w: 3 });
    reasons.push(`covers ${Math.round(recall * 100)}% of the reference's content words`);
    const refNums = numbers(reference);
    if (refNums.length > 0) {
      const candNums = new Set(numbers(candidate));
      const hit = refNums.filter((n) => candNums.has(n)).length / refNums.length;
      parts.push({ v: hit, w: 2 });
      reasons.push(`${Math.round(hit * 100)}% of the reference's numbers appear`);
    }
    const ratio = candidate.length / Math.max(1, reference.length);
    if (ratio < 0.25) {
      parts.push({ v: 0.3, w: 1 });
      reasons.push("much shorter than the reference");
    }
  } else if (input !== undefined && input.trim() !== "") {
    const { recall } = overlap(candidate, input);
    parts.push({ v: clamp01(0.35 + recall * 1.3), w: 1 });
    reasons.push(`addresses ${Math.round(recall * 100)}% of the input's content words`);
  }
  const { required, forbidden } = rubricKeywords(rubric);
  const lower = candidate.toLowerCase();
  if (required.length > 0) {
    const hit = required.filter((k) => lower.includes(k.toLowerCase())).length;
    parts.push({ v: hit / required.length, w: 2 });
    reasons.push(`${hit}/${required.length} required rubric terms present`);
  }
  const banned = forbidden.filter((k) => lower.includes(k.toLowerCase())).length;
  if (banned > 0) {
    parts.push({ v: 0, w: 3 });
    reasons.push(`${banned} forbidden rubric term(s) present`);
  }
  if (parts.length === 0) {
    // Nothing to check against: a non-empty, non-refusing answer gets a middling grade.
    return { value: 0.6, reasons: ["no reference or rubric terms to check; judged on form only"] };
  }
  const total = parts.reduce((s, p) => s + p.w, 0);
  return { value: clamp01(parts.reduce((s, p) => s + p.v * p.w, 0) / total), reasons };
}

const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};

function listItems(text: string): number {
  return text.split("\n").filter((l) => /^\s*(?:[-*\u2022]|\d+[.)])\s+/.test(l)).length;
}

/** Quality of one output for an instruction, for pairwise comparison. */
export function instructionQuality(
  output: string,
  instruction: string,
  reference?: string,
): Quality {
  const reasons: string[] = [];
  if (output.trim() === "") return { value: 0, reasons: ["empty"] };
  let v = 0.5;
  const { recall, precision } = overlap(output, instruction);
  v += 0.35 * Math.min(1, recall * 1.5) + 0.1 * precision;
  reasons.push(`covers ${Math.round(recall * 100)}% of the instruction's terms`);
  if (reference) {
    const o = overlap(output, reference);
    v += 0.4 * o.recall;
  }
  if (isRefusal(output) && !isRefusal(instruction)) {
    v -= 0.4;
    reasons.push("refuses");
  }
  const lowerInstr = instruction.toLowerCase();
  const count =
    /\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:[a-z]+\s+)?(examples|items|ways|tips|reasons|ideas|sentences|words|points|steps|names|questions|things|facts|benefits)\b/.exec(
      lowerInstr,
    );
  if (count) {
    const n = NUMBER_WORDS[count[1]!] ?? Number(count[1]);
    const unit = count[2]!;
    const got =
      unit === "sentences"
        ? (output.match(/[^.!?]+[.!?]/g) ?? []).length
        : unit === "words"
          ? (output.match(/\S+/g) ?? []).length
          : listItems(output) || (output.match(/[^.!?\n]+[.!?\n]/g) ?? []).length;
    const ok = unit === "words" ? Math.abs(got - n) <= Math.max(3, n * 0.2) : got === n;
    v += ok ? 0.15 : -0.1;
    reasons.push(ok ? `gives the ${n} ${unit} asked for` : `asked for ${n} ${unit}`);
  }
  if (/\bone (sentence|word)\b|\bbrief(ly)?\b|\bshort\b|\bconcise(ly)?\b/.test(lowerInstr)) {
    const words = (output.match(/\S+/g) ?? []).length;
    v += words <= 40 ? 0.1 : -0.1;
  }
  return { value: v, reasons };
}
