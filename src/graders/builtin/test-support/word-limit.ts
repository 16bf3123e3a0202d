import type { GradeInput } from "../../types.js";

/** A custom grader as a user would write one: score by word count against a limit. */
export default function wordLimit(input: GradeInput, config: { max: number }) {
  const words = input.output.split(/\s+/).filter(Boolean).length;
  return {
    score: words <= config.max ? 1 : config.max / words,
    reason: `${words} words (max ${config.max})`,
  };
}

export const returnsString = () => "yes";
export const notAFunction = 3;
