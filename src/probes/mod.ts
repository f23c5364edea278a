/**
 * The capability probes' building blocks: the default suite (which calls are
 * tried, on which models), the defaults `probe()` uses, and the counting and
 * one-line summary of a table's rows. `probe()` and `ProbeTable` (main entry
 * point) are what a notebook calls; import from here to pick probes from the
 * suite or summarise rows yourself.
 *
 * @example Pick probes from the default suite, summarise rows
 * ```ts
 * import { DEFAULT_SUITE, summarizeProbeRows } from "@hf-notebook/auth/probes";
 * import assert from "node:assert/strict";
 *
 * const hubOnly = DEFAULT_SUITE.filter((p) => p.area !== "inference");
 * assert.ok(hubOnly.length > 0 && hubOnly.length < DEFAULT_SUITE.length);
 * const row = { capability: "Chat", inferred: false, legacy: false };
 * assert.equal(
 *   summarizeProbeRows([{ ...row, id: "a", verdict: "ok" }, { ...row, id: "b", verdict: "ok" }]),
 *   "2 of 2 work",
 * );
 * ```
 *
 * @module
 */

export { DEFAULT_PROBE_CONCURRENCY, DEFAULT_PROBE_TIMEOUT_MS } from "./probe.ts";
export type { ProbeOptions } from "./probe.ts";
export type { ProbeTableInit } from "./probe_table.ts";
export { DEFAULT_SUITE, SUITE_MODELS } from "./default_suite.ts";
export type { ModelSearch, SuiteCall, SuiteProbe } from "./default_suite.ts";
export { HUB_TASK_IDS, PROBE_TASK_NAMES, probeTask, requireProbeTask } from "./probe_task.ts";
export type { HubTaskId } from "./probe_task.ts";
export { countProbeRows, summarizeProbeRows } from "./summary.ts";
export type { ProbeNeed } from "./predict.ts";
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
} from "../hub/diagnose_failure.ts";
export type {
  ProbeContext,
  ProbeCounts,
  ProbeEntry,
  ProbeFunction,
  ProbePrediction,
  ProbeResult,
  ProbeRow,
  ProbeTableData,
  ProbeTask,
  ProbeVerdict,
} from "./types.ts";
export type { ProbeTable } from "./probe_table.ts";
// Thrown by probe() for a custom entry with an unknown task (before any request).
export { UnknownProbeTaskError } from "../errors.ts";
export type { HfAuthError } from "../errors.ts";
export type { Displayable, MimeBundle } from "../display/displayable.ts";
export type { Endpoints, NetworkOptions } from "../hub/endpoints.ts";
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
} from "../hub/types.ts";
export type { BrowserLoginInfo, Resolution } from "../resolve/resolution.ts";
export type { Attempt, AttemptOutcome, TokenWarning, TokenWarningCode } from "../sources/types.ts";
export type { Platform } from "../sources/platform.ts";
export type { EnvLike } from "../_env.ts";
