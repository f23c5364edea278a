/**
 * The probe diagnosis lives in the one classifier, `src/hub/diagnose_failure.ts` (shared
 * with whoami, explain() and the calls); this file keeps the old import path.
 *
 * @module
 */

export {
  diagnoseFailure,
  FAILURE_CLASSES,
  PROBE_FAILURE_CLASSES,
  PROBE_PERMISSION_LABELS,
} from "../hub/diagnose_failure.ts";
export type {
  FailureClass,
  FailureCode,
  FailureDiagnosis,
  FailureFacts,
  NetworkKind,
  ObservedResponse,
  ProbeDiagnosis,
  ProbeFailureClass,
  ProbeFailureCode,
  ProbeFailureFacts,
} from "../hub/diagnose_failure.ts";
