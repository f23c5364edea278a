/**
 * Data shapes of probe tables: what a probe is, what it reports, and what a
 * probe table holds. Everything here is plain data (no token anywhere), so a
 * table can be rendered, serialised and compared in tests.
 *
 * @module
 */

import type { ValidationData } from "../hub/types.ts";
import type { ObservedResponse } from "../_observation.ts";
import type { HubTaskId } from "./probe_task.ts";

/**
 * How one probe ended.
 * - `ok`: the call worked (or, for inferred rows, the token's role allows it);
 * - `failed`: the call failed (reason and fix say why);
 * - `skipped`: not called (dry run, `skip`, or a prerequisite missing);
 * - `predicted-fail`: not called because it is known to fail (inferred rows such as "write");
 * - `pending`: still running (live tables only).
 */
export type ProbeVerdict = "ok" | "failed" | "skipped" | "predicted-fail" | "pending";

/** What the token validation predicted for a probe, shown next to the observed outcome. */
export interface ProbePrediction {
  /** `ok` or `fail`. */
  outcome: "ok" | "fail";
  /** Why, in one sentence (e.g. the missing permission). */
  reason: string;
}

/** One row of a probe table. */
export interface ProbeRow {
  /** Stable id used by `only` / `skip`, e.g. `inference.chat`, `hub.whoami`. */
  id: string;
  /** What is being checked, for people: "Chat completion", "Read a public model". */
  capability: string;
  /** The model or repo the probe used, if any. */
  target?: string;
  /**
   * Why this model, for rows that search for one: `picked: most-liked model served by
   * hf-inference for text-classification`, or `pinned fallback: search failed: …`.
   */
  targetReason?: string;
  /** The Inference Provider (or policy such as `auto`) used, if any. */
  provider?: string;
  /** How the probe ended. */
  verdict: ProbeVerdict;
  /** HTTP status of the deciding response, when there was one. */
  status?: number;
  /** Wall time of the probe in milliseconds (absent for rows that made no call). */
  latencyMs?: number;
  /** Machine-readable diagnosis code of a failure (see `diagnoseFailure`). */
  code?: string;
  /** Why it failed (or what was observed, for successes). Never contains the token. */
  reason?: string;
  /** What to do about a failure, in one sentence. */
  fix?: string;
  /** `true` when the verdict was inferred from the token's role/scopes instead of a call. */
  inferred: boolean;
  /** `true` for checks kept from older guides (e.g. `gpt2`): their failure is explained, not blamed on the token. */
  legacy: boolean;
  /** What the validation predicted, if it predicted anything. */
  prediction?: ProbePrediction;
  /**
   * Whether a failure is the token's fault (from the diagnosis, i.e. the `tokenFault` of its
   * code in `PROBE_FAILURE_CLASSES`); absent for `unknown` and for codes outside the classes,
   * and then the display calls the cause unclear.
   */
  tokenFault?: boolean;
  /** `X-Request-Id` of the deciding response, when there was one (for support requests). */
  requestId?: string;
}

/** Counts of rows by verdict. */
export interface ProbeCounts {
  /** Rows that worked. */
  ok: number;
  /** Rows that failed. */
  failed: number;
  /** Rows not called. */
  skipped: number;
  /** Rows predicted to fail and not called. */
  predictedFail: number;
  /** Rows still running. */
  pending: number;
}

/** Everything a probe table knows, as plain data (`ProbeTable#toJSON()` returns this). */
export interface ProbeTableData {
  /** One line on top, e.g. "5 of 8 work; inference blocked by a missing permission (…)". */
  summary: string;
  /** The rows, in suite order. */
  rows: ProbeRow[];
  /** Counts by verdict. */
  counts: ProbeCounts;
  /** `false` while rows are pending. */
  complete: boolean;
  /** `true` for a dry run (nothing was called). */
  dryRun: boolean;
  /** The masked token that was probed. */
  masked: string;
  /** Where the token came from, if known (`env:HF_TOKEN`, …). */
  source?: string;
  /** Hub base URL used. */
  hubUrl: string;
  /** Router base URL used. */
  inferenceUrl: string;
  /** When the probes started (ISO 8601). */
  startedAt: string;
  /** Wall time of the whole table in milliseconds (when complete). */
  durationMs?: number;
}

/** What a probe function gets: the token and a guarded, cancellable fetch. */
export interface ProbeContext {
  /** The token under test. Pass it to clients; never print it. */
  token: string;
  /** Hub base URL (no trailing slash). */
  hubUrl: string;
  /** Router base URL (no trailing slash). */
  inferenceUrl: string;
  /**
   * A fetch that maps the default Hugging Face origins onto `hubUrl`/`inferenceUrl`,
   * strips the token for other origins, honours {@linkcode ProbeContext.signal} and
   * records the last response for the diagnosis.
   */
  fetch: typeof fetch;
  /** Aborts at the probe's timeout or when the caller's signal aborts. */
  signal: AbortSignal;
  /** The token validation (whoami), shared by every probe of a table. */
  validation(): Promise<ValidationData | undefined>;
}

/** What a probe function returns. A thrown error is diagnosed like a failed call. */
export interface ProbeResult {
  /** Whether the capability works. */
  ok: boolean;
  /** HTTP status of the deciding response. */
  status?: number;
  /** A short observation (successes) or the failure reason. */
  reason?: string;
  /** The fix for a failure. */
  fix?: string;
  /** ProbeDiagnosis code of a failure. */
  code?: string;
  /** The provider that answered, if known. */
  provider?: string;
  /** The model or repo used, if not set on the entry. */
  target?: string;
  /** The deciding response of a failure, when the probe read it itself (for the diagnosis). */
  observed?: ObservedResponse;
}

/** A custom probe as a function. */
export type ProbeFunction = (ctx: ProbeContext) => Promise<ProbeResult>;

/** Inference tasks a probe can call with tiny inputs. */
export type ProbeTask =
  | "chatCompletion"
  | "textGeneration"
  | "textClassification"
  | "tokenClassification"
  | "featureExtraction";

/** A custom inference probe as data: one tiny call of `task` on `model`. */
export interface ProbeEntry {
  /**
   * The task: the Hub's id (`text-classification`, `chat-completion`, …) or the
   * client method name (`textClassification`, …). Any other name makes `probe()`
   * throw `UnknownProbeTaskError` before any request.
   */
  task: ProbeTask | HubTaskId;
  /** The model id. */
  model: string;
  /** Provider or policy (default `auto`). */
  provider?: string;
  /** Row label (default: the task's name). */
  name?: string;
  /** Row id for `only`/`skip` (default: `custom.<method>.<model>`, e.g. `custom.textClassification.m`). */
  id?: string;
}
