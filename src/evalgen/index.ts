export type { ConfirmRequest } from "./confirm.js";
export { confirmFails, DEFAULT_CONFIRM_EPOCHS, decidingChecks } from "./confirm.js";
export { contradictions } from "./conflicts.js";
export type { DraftOptions, DraftOutcome } from "./draft.js";
export { draftCases } from "./draft.js";
export type { DraftSource } from "./draft-evidence.js";
export { draftFromEvidence } from "./draft-evidence.js";
export type { ExpiredCase } from "./expire.js";
export { expiredCases } from "./expire.js";
export { draftLines, failureLines, one, printable } from "./render.js";
export type { ReviewOptions, ReviewSummary } from "./review.js";
export { runReview } from "./review.js";
export type { ApproveRequest, DraftReport, DraftRequest, Project } from "./service.js";
export {
  approveDraft,
  DEFAULT_EXPIRY_DAYS,
  draftAndStore,
  editDraft,
  getDraft,
  rejectDraft,
  SuiteChangedError,
  toRecord,
} from "./service.js";
export { appendCase, readSuiteCases, removeCases } from "./suite-file.js";
export { projectCases } from "./suites.js";
export type {
  CaseDraft,
  ConfirmResult,
  DraftFixture,
  DraftSeverity,
  DraftStatus,
  EvalDraftRecord,
  SuiteCase,
} from "./types.js";
export { DRAFT_SEVERITIES, DRAFT_STATUSES } from "./types.js";
export { validateCase } from "./validate.js";
