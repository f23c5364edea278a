/**
 * The probe failure classes: every {@linkcode ProbeFailureCode}, what it means
 * and whether the token is to blame. Pure data, kept below the layers so the
 * renderers (`src/display/`) can group rows by cause without importing the
 * diagnosis logic; `src/probes/diagnose_failure.ts` re-exports it.
 *
 * @module
 */

/**
 * Machine-readable failure classes. Each code is described once, in
 * {@linkcode PROBE_FAILURE_CLASSES} (what it means and whether the token is to
 * blame); codes are stable: new causes get new codes, existing ones keep their
 * meaning.
 */
export type ProbeFailureCode =
  | "invalid-token"
  | "expired-token"
  | "missing-inference-permission"
  | "inference-forbidden"
  | "missing-gated-permission"
  | "gated-model"
  | "gated-login-required"
  | "gated-awaiting-review"
  | "gated-rejected"
  | "gated-reset"
  | "missing-repo-permission"
  | "forbidden"
  | "repo-not-found"
  | "repo-not-visible"
  | "file-not-found"
  | "revision-not-found"
  | "model-not-found"
  | "no-provider"
  | "no-enabled-provider"
  | "legacy-model"
  | "provider-not-serving"
  | "unsupported-task"
  | "model-deprecated"
  | "not-a-chat-model"
  | "invalid-request"
  | "credits-exhausted"
  | "rate-limited"
  | "provider-rate-limited"
  | "model-loading"
  | "server-error"
  | "timeout"
  | "cancelled"
  | "offline"
  | "connection-failed"
  | "unexpected-response"
  | "unknown";

/** What a failure class means, in one place (for tables, docs and grouping). */
export interface ProbeFailureClass {
  /** One line: the cause. */
  summary: string;
  /** `true` when the token itself (its validity, role or permissions) is the cause. */
  tokenFault: boolean;
}

/**
 * Every {@linkcode ProbeFailureCode} with its meaning and whether the token is
 * to blame. The single reference for the codes: the README's table and the
 * troubleshooting notebook list the same classes.
 *
 * @example Which classes are the token's fault
 * ```ts
 * import { PROBE_FAILURE_CLASSES } from "@hf-notebook/auth/diagnose";
 * import assert from "node:assert/strict";
 *
 * assert.equal(PROBE_FAILURE_CLASSES["invalid-token"].tokenFault, true);
 * assert.equal(PROBE_FAILURE_CLASSES["credits-exhausted"].tokenFault, false);
 * ```
 */
export const PROBE_FAILURE_CLASSES: Readonly<Record<ProbeFailureCode, ProbeFailureClass>> = {
  "invalid-token": { summary: "401: the token is invalid, revoked or expired", tokenFault: true },
  "expired-token": {
    summary: "401 for a token the validation knows has expired",
    tokenFault: true,
  },
  "missing-inference-permission": {
    summary: 'router 403: fine-grained token without "Make calls to Inference Providers"',
    tokenFault: true,
  },
  "inference-forbidden": {
    summary: "router 403 for other tokens (app or org-scoped tokens cannot call providers)",
    tokenFault: true,
  },
  "missing-gated-permission": {
    summary: "gated repo, fine-grained token without read access to gated repos",
    tokenFault: true,
  },
  "gated-model": {
    summary: "gated repo: this account has not accepted the terms",
    tokenFault: false,
  },
  "gated-login-required": {
    summary: "gated repo answered 401: no usable token reached it (not logged in)",
    tokenFault: true,
  },
  "gated-awaiting-review": {
    summary: "gated repo: the access request awaits the authors' review",
    tokenFault: false,
  },
  "gated-rejected": {
    summary: "gated repo: the authors rejected the access request",
    tokenFault: false,
  },
  "gated-reset": {
    summary: "gated repo: the authors reset the access request; request again",
    tokenFault: false,
  },
  "missing-repo-permission": {
    summary: "Hub 403: fine-grained token without read permission for the repo",
    tokenFault: true,
  },
  forbidden: { summary: "other 403 from the Hub", tokenFault: false },
  "repo-not-found": {
    summary: "404 (or the client's anonymous lookup): missing, or private and not visible",
    tokenFault: false,
  },
  "repo-not-visible": {
    summary: '401 "Invalid username or password." although the token is valid: missing or ' +
      "private/gated repo this token cannot see",
    tokenFault: false,
  },
  "file-not-found": { summary: "404 EntryNotFound: no such file in the repo", tokenFault: false },
  "revision-not-found": {
    summary: "404 RevisionNotFound: no such branch, tag or commit",
    tokenFault: false,
  },
  "model-not-found": {
    summary: "the router or provider does not know the model id",
    tokenFault: false,
  },
  "no-provider": { summary: "served by no Inference Provider", tokenFault: false },
  "no-enabled-provider": {
    summary: "served by none of the providers enabled in this account's settings",
    tokenFault: false,
  },
  "legacy-model": { summary: "an old guide's model no provider serves", tokenFault: false },
  "provider-not-serving": {
    summary: "the chosen provider does not serve (or no longer deploys) the model",
    tokenFault: false,
  },
  "unsupported-task": {
    summary: "the provider serves the model for another task",
    tokenFault: false,
  },
  "model-deprecated": {
    summary: "410: deprecated and no longer supported by the provider",
    tokenFault: false,
  },
  "not-a-chat-model": {
    summary: "422: no chat template (a base model asked to chat)",
    tokenFault: false,
  },
  "invalid-request": {
    summary: "400/422: the server rejected the request's parameters",
    tokenFault: false,
  },
  "credits-exhausted": {
    summary: "402: the account's Inference Providers credits are used up",
    tokenFault: false,
  },
  "rate-limited": {
    summary: "Hub 429: too many requests (RateLimit gives the wait)",
    tokenFault: false,
  },
  "provider-rate-limited": {
    summary: "router/provider 429: the provider is throttling (not the monthly credits)",
    tokenFault: false,
  },
  "model-loading": { summary: "503 + estimated_time: the model is loading", tokenFault: false },
  "server-error": { summary: "5xx: a server-side problem", tokenFault: false },
  timeout: { summary: "no answer within the probe's timeout", tokenFault: false },
  cancelled: { summary: "cancelled by the caller's signal", tokenFault: false },
  offline: { summary: "DNS failure or connection refused", tokenFault: false },
  "connection-failed": {
    summary: "connection reset or closed without an answer",
    tokenFault: false,
  },
  "unexpected-response": {
    summary: "an HTML page, or JSON that is cut off or of the wrong shape",
    tokenFault: false,
  },
  unknown: { summary: "none of the above", tokenFault: false },
};
