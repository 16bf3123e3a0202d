import { describe, expect, it } from "vitest";
import type { Attempt } from "../core/index.js";
import { addAttempt, emptySide, judgeNoiseFromConfusion, soleJudgeVersions } from "./observe.js";

describe("a judge's error rates from its calibration", () => {
  it("reads sensitivity and specificity off the confusion matrix, rows being the human labels", () => {
    // Humans: 10 fail (8 judged fail, 2 pass), 10 pass (1 judged fail, 9 pass).
    const noise = judgeNoiseFromConfusion("accuracy", "rubric", {
      labels: ["fail", "pass"],
      matrix: [
        [8, 2],
        [1, 9],
      ],
    });
    expect(noise).toEqual({
      dimension: "accuracy",
      judge: "rubric",
      sensitivity: 0.9,
      specificity: 0.8,
      positives: 10,
      negatives: 10,
    });
  });

  it("gives none for labels that are not a pass/fail pair, or a class no human used", () => {
    const three = {
      labels: ["a", "b", "c"],
      matrix: [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
    };
    expect(judgeNoiseFromConfusion("accuracy", "j", three)).toBeUndefined();
    const unnamed = {
      labels: ["x", "y"],
      matrix: [
        [3, 1],
        [1, 3],
      ],
    };
    expect(judgeNoiseFromConfusion("accuracy", "j", unnamed)).toBeUndefined();
    const noNegatives = {
      labels: ["fail", "pass"],
      matrix: [
        [0, 0],
        [2, 8],
      ],
    };
    expect(judgeNoiseFromConfusion("accuracy", "j", noNegatives)).toBeUndefined();
    expect(judgeNoiseFromConfusion("accuracy", "j", undefined)).toBeUndefined();
  });
});

describe("which dimensions one judge alone scored", () => {
  const attempt = (scores: Attempt["scores"]): Attempt =>
    ({
      case_id: "c",
      epoch: 0,
      status: "passed",
      overall: 1,
      dimension_scores: {},
      latency_ms: 1,
      cost_usd: 0,
      scores,
    }) as unknown as Attempt; // only the fields the gate reads
  const judged = (version: string) => ({
    grader: "judge",
    dimension: "safety" as const,
    score: 1,
    passed: true,
    reason: "",
    details: { judge_version: version },
  });
  const contains = {
    grader: "contains",
    dimension: "accuracy" as const,
    score: 1,
    passed: true,
    reason: "",
  };

  it("is the dimension whose every score on both sides came from the same judge version", () => {
    const left = emptySide();
    const right = emptySide();
    addAttempt(left, attempt([judged("v1"), contains, { ...judged("v1"), dimension: "accuracy" }]));
    addAttempt(right, attempt([judged("v1"), contains]));
    // accuracy mixes the judge with `contains`: not the judge's alone.
    expect([...soleJudgeVersions(left, right)]).toEqual([["safety", "v1"]]);
  });

  it("is none when the two sides were judged by different versions", () => {
    const left = emptySide();
    const right = emptySide();
    addAttempt(left, attempt([judged("v1")]));
    addAttempt(right, attempt([judged("v2")]));
    expect(soleJudgeVersions(left, right).size).toBe(0);
  });
});
