/**
 * The pure diagnosis functions: from what the Hub answered to what it means
 * and what to do. No I/O: they take the facts (a validation, a response) and
 * return diagnostics, so you can explain a token or a failed call you made
 * yourself the same way `login()` and `probe()` (main entry point) do.
 *
 * - A token: {@linkcode diagnoseToken}, {@linkcode canCallInferenceProviders},
 *   {@linkcode daysUntil}.
 * - A failed call: {@linkcode diagnoseFailure}; before calling:
 *   {@linkcode predictProbe}.
 *
 * @example Why an inference call failed with this token
 * ```ts
 * import { canCallInferenceProviders, diagnoseFailure } from "@hf-notebook/auth/diagnose";
 * import assert from "node:assert/strict";
 *
 * const validation = {
 *   verdict: "valid" as const,
 *   token: { role: "fineGrained" as const, permissions: [] },
 * };
 * assert.equal(canCallInferenceProviders(validation), false);
 * const d = diagnoseFailure({
 *   area: "inference",
 *   target: "dslim/bert-base-NER",
 *   response: { status: 403, contentType: "application/json", body: '{"error":"Forbidden"}' },
 *   validation,
 * });
 * assert.equal(d.code, "missing-inference-permission");
 * ```
 *
 * @module
 */

export {
  canCallInferenceProviders,
  daysUntil,
  diagnoseToken,
  INFERENCE_PERMISSION,
  TOKENS_PAGE,
} from "./hub/diagnose_token.ts";
export type { DiagnoseInput } from "./hub/diagnose_token.ts";
export type {
  Diagnostic,
  Failure,
  FailureCode,
  Identity,
  PermissionGroup,
  Severity,
  TokenFacts,
  ValidationData,
  Verdict,
} from "./hub/types.ts";
export {
  diagnoseFailure,
  FAILURE_CLASSES,
  PROBE_FAILURE_CLASSES,
  PROBE_PERMISSION_LABELS,
} from "./hub/diagnose_failure.ts";
export type {
  FailureClass,
  FailureDiagnosis,
  FailureFacts,
  NetworkKind,
  ObservedResponse,
  ProbeDiagnosis,
  ProbeFailureClass,
  ProbeFailureCode,
  ProbeFailureFacts,
} from "./hub/diagnose_failure.ts";
export { predictProbe } from "./probes/predict.ts";
export type { ProbeNeed } from "./probes/predict.ts";
export type { ProbePrediction } from "./probes/types.ts";
export type {
  BrowserLoginInfo,
  Platform,
  Resolution,
  TokenWarning,
  TokenWarningCode,
} from "./resolve/resolution.ts";
export type { Attempt, AttemptOutcome } from "./sources/types.ts";
