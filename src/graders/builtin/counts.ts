import { z } from "zod";

/** How many times something happened: `min` / `max` params of the counting graders. */
export const count = z.number().int().min(0);

/** `max` may not be below `min` (absent means unbounded); for `.refine`. */
export function maxAtLeastMin(p: { min?: number | undefined; max?: number | undefined }): boolean {
  return p.min === undefined || p.max === undefined || p.max >= p.min;
}

export const MAX_AT_LEAST_MIN = {
  path: ["max"],
  message: "must be at least `min` (1 unless you set it)",
};
