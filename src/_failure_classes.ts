/**
 * The one failure vocabulary: every {@linkcode FailureCode} a diagnosis can give (whoami,
 * login, probe, explain, the calls of `inferenceClient()` and `hubCredentials()`), with a
 * short title, whether the token is to blame and the general fix, in one table. Pure data,
 * kept below the layers so the renderers can group and title rows without importing the
 * classifier (`src/hub/diagnose_failure.ts`).
 *
 * @module
 */

/**
 * Machine-readable failure classes. Each code is described once, in
 * {@linkcode FAILURE_CLASSES}; codes are stable: new causes get new codes, existing ones
 * keep their meaning.
 */
export type FailureCode =
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
  | "repo-exists"
  | "action-quota"
  | "endpoint-paused"
  | "oauth-token-not-accepted"
  | "payload-too-large"
  | "response-too-large"
  | "invalid-input"
  | "not-hf-prefix"
  | "offline-mode"
  | "unknown";

/** What a failure class means, in one place (for cards, tables, docs and grouping). */
export interface FailureClass {
  /** A short title ("Rate limited by the provider"). */
  title: string;
  /** One line: the cause. */
  summary: string;
  /** `true` when the token itself (its validity, role or permissions) is the cause. */
  tokenFault: boolean;
  /** The general fix (a diagnosis gives a more specific one when it knows more). */
  fix: string;
}

/**
 * Every {@linkcode FailureCode} with its title, meaning, whose fault it is and the general
 * fix. The single reference for the codes: the README's table lists the same classes.
 *
 * @example Which classes are the token's fault
 * ```ts
 * import { FAILURE_CLASSES } from "@hf-notebook/auth/diagnose";
 * import assert from "node:assert/strict";
 *
 * assert.equal(FAILURE_CLASSES["invalid-token"].tokenFault, true);
 * assert.equal(FAILURE_CLASSES["credits-exhausted"].tokenFault, false);
 * assert.equal(FAILURE_CLASSES["repo-exists"].title, "Repository already exists");
 * ```
 */
export const FAILURE_CLASSES: Readonly<Record<FailureCode, FailureClass>> = {
  "invalid-token": {
    title: "Invalid token",
    summary: "401: the token is invalid, revoked or expired",
    tokenFault: true,
    fix:
      "Create a new token at https://huggingface.co/settings/tokens and set it as HF_TOKEN (or log in again).",
  },
  "expired-token": {
    title: "Expired token",
    summary: "401 for a token the validation knows has expired",
    tokenFault: true,
    fix: "Create a new token (a later expiry or none) and set it as HF_TOKEN.",
  },
  "missing-inference-permission": {
    title: "Missing inference permission",
    summary: 'router 403: fine-grained token without "Make calls to Inference Providers"',
    tokenFault: true,
    fix:
      'Edit the token at https://huggingface.co/settings/tokens and tick "Make calls to Inference Providers".',
  },
  "inference-forbidden": {
    title: "Token may not call providers",
    summary: "router 403 for other tokens (app or org-scoped tokens cannot call providers)",
    tokenFault: true,
    fix: "Use a user token with the inference permission (a read token has it).",
  },
  "missing-gated-permission": {
    title: "Missing gated-repo permission",
    summary: "gated repo, fine-grained token without read access to gated repos",
    tokenFault: true,
    fix: "Edit the token: tick read access to public gated repos.",
  },
  "gated-model": {
    title: "Gated model: terms not accepted",
    summary: "gated repo: this account has not accepted the terms",
    tokenFault: false,
    fix: "Open the model page, accept the terms, then run again.",
  },
  "gated-login-required": {
    title: "Gated model: not logged in",
    summary: "gated repo answered 401: no usable token reached it (not logged in)",
    tokenFault: true,
    fix: "Send the token of an account that accepted the terms.",
  },
  "gated-awaiting-review": {
    title: "Gated model: request pending",
    summary: "gated repo: the access request awaits the authors' review",
    tokenFault: false,
    fix: "Wait for the authors to review the request.",
  },
  "gated-rejected": {
    title: "Gated model: request rejected",
    summary: "gated repo: the authors rejected the access request",
    tokenFault: false,
    fix: "Only the authors can change this: contact them or use another model.",
  },
  "gated-reset": {
    title: "Gated model: request reset",
    summary: "gated repo: the authors reset the access request; request again",
    tokenFault: false,
    fix: "Submit a new access request on the model page.",
  },
  "missing-repo-permission": {
    title: "Missing repo permission",
    summary: "Hub 403: fine-grained token without read permission for the repo",
    tokenFault: true,
    fix: "Edit the token's repository permissions, or use a token with write access there.",
  },
  forbidden: {
    title: "Forbidden",
    summary: "other 403 from the Hub",
    tokenFault: false,
    fix: "Check that this account may access the resource.",
  },
  "repo-not-found": {
    title: "Repository not found",
    summary: "404 (or the client's anonymous lookup): missing, or private and not visible",
    tokenFault: false,
    fix: "Check the id; for a private repo use a token of a member.",
  },
  "repo-not-visible": {
    title: "Repository not visible",
    summary: '401 "Invalid username or password." although the token is valid: missing or ' +
      "private/gated repo this token cannot see",
    tokenFault: false,
    fix: "Check the id; private or gated repos need a token that can see them.",
  },
  "file-not-found": {
    title: "File not found",
    summary: "404 EntryNotFound: no such file in the repo",
    tokenFault: false,
    fix: "Check the file name in the repo's file list.",
  },
  "revision-not-found": {
    title: "Revision not found",
    summary: "404 RevisionNotFound: no such branch, tag or commit",
    tokenFault: false,
    fix: "Check the branch, tag or commit.",
  },
  "model-not-found": {
    title: "Model not found",
    summary: "the router or provider does not know the model id",
    tokenFault: false,
    fix: "Check the model id's spelling (owner/name).",
  },
  "no-provider": {
    title: "No provider serves the model",
    summary: "served by no Inference Provider",
    tokenFault: false,
    fix: "Pick a model deployed on Inference Providers.",
  },
  "no-enabled-provider": {
    title: "No enabled provider",
    summary: "served by none of the providers enabled in this account's settings",
    tokenFault: false,
    fix: "Enable more providers in the account's settings, or pick another model.",
  },
  "legacy-model": {
    title: "Legacy model",
    summary: "an old guide's model no provider serves",
    tokenFault: false,
    fix: "Pick a model deployed on Inference Providers today.",
  },
  "provider-not-serving": {
    title: "Provider does not serve the model",
    summary: "the chosen provider does not serve (or no longer deploys) the model",
    tokenFault: false,
    fix: 'Use provider "auto", or one listed on the model page.',
  },
  "unsupported-task": {
    title: "Wrong task for this model",
    summary: "the provider serves the model for another task",
    tokenFault: false,
    fix: "Call the task the provider serves this model for.",
  },
  "model-deprecated": {
    title: "Model deprecated",
    summary: "410: deprecated and no longer supported by the provider",
    tokenFault: false,
    fix: "Pick a model that is deployed now.",
  },
  "not-a-chat-model": {
    title: "Not a chat model",
    summary: "422: no chat template (a base model asked to chat)",
    tokenFault: false,
    fix: "Call textGeneration, or pick an instruct/chat model.",
  },
  "invalid-request": {
    title: "Invalid request",
    summary: "400/422: the server rejected the request's parameters",
    tokenFault: false,
    fix: "Fix the parameters the message names.",
  },
  "credits-exhausted": {
    title: "Credits used up",
    summary: "402: the account's Inference Providers credits are used up",
    tokenFault: false,
    fix: "See https://huggingface.co/settings/billing: wait for the reset, or add credits / PRO.",
  },
  "rate-limited": {
    title: "Rate limited by the Hub",
    summary: "Hub 429: too many requests (RateLimit gives the wait)",
    tokenFault: false,
    fix: "Wait the time the answer gives, then run again.",
  },
  "provider-rate-limited": {
    title: "Rate limited by the provider",
    summary: "router/provider 429: the provider is throttling (not the monthly credits)",
    tokenFault: false,
    fix: "Wait a little and run again, or use another provider.",
  },
  "model-loading": {
    title: "Model loading",
    summary: "503 + estimated_time: the model is loading",
    tokenFault: false,
    fix: "Retry after the estimated time.",
  },
  "server-error": {
    title: "Server error",
    summary: "5xx: a server-side problem",
    tokenFault: false,
    fix: "Retry in a few minutes; see https://status.huggingface.co.",
  },
  timeout: {
    title: "Timeout",
    summary: "no answer within the probe's timeout",
    tokenFault: false,
    fix: "Retry later or raise the timeout; check the network or proxy.",
  },
  cancelled: {
    title: "Cancelled",
    summary: "cancelled by the caller's signal",
    tokenFault: false,
    fix: "Run again without cancelling.",
  },
  offline: {
    title: "Cannot reach the server",
    summary: "DNS failure or connection refused",
    tokenFault: false,
    fix: "Check the network connection, proxy and HF_ENDPOINT.",
  },
  "connection-failed": {
    title: "Connection failed",
    summary: "connection reset or closed without an answer",
    tokenFault: false,
    fix: "Retry; a proxy, VPN or firewall may be cutting connections.",
  },
  "unexpected-response": {
    title: "Unexpected answer",
    summary: "an HTML page, or JSON that is cut off or of the wrong shape",
    tokenFault: false,
    fix: "Retry; check proxies and HF_ENDPOINT.",
  },
  "repo-exists": {
    title: "Repository already exists",
    summary: "409: a repository with that name already exists",
    tokenFault: false,
    fix: "Pick another name, or pass exist_ok / reuse the existing repo.",
  },
  "action-quota": {
    title: "Action quota reached",
    summary:
      "429 for a per-action quota (e.g. repository commits per hour), whatever RateLimit says",
    tokenFault: false,
    fix: "Wait for the quota window (often an hour), or batch the changes into fewer actions.",
  },
  "endpoint-paused": {
    title: "Inference Endpoint paused",
    summary:
      "the dedicated Inference Endpoint is paused or scaled to zero (400 Invalid state, formerly 502)",
    tokenFault: false,
    fix:
      "Resume the endpoint in its settings page (https://endpoints.huggingface.co), then run again.",
  },
  "oauth-token-not-accepted": {
    title: "Browser-login token refused here",
    summary: "401 for a browser-login (OAuth) token on an endpoint that only takes access tokens",
    tokenFault: true,
    fix: "Use an access token (hf_…) from https://huggingface.co/settings/tokens for this call.",
  },
  "payload-too-large": {
    title: "Request too large",
    summary: "413: the request body is larger than the server accepts",
    tokenFault: false,
    fix: "Send a smaller input (shorter text, smaller image, fewer items per call).",
  },
  "response-too-large": {
    title: "Answer too large",
    summary: "the answer was larger than the body cap: a proxy or a broken server",
    tokenFault: false,
    fix: "Check HF_ENDPOINT and proxies; a real Hub error answer is small.",
  },
  "invalid-input": {
    title: "Invalid input (not sent)",
    summary: "the client refused the call before any request (a missing or wrong argument)",
    tokenFault: false,
    fix: "Fix the call's arguments as the message says; nothing reached the server.",
  },
  "not-hf-prefix": {
    title: "Not a Hugging Face token",
    summary: "the token does not start with hf_, so it was not sent",
    tokenFault: true,
    fix: 'Copy a token that starts with "hf_" from https://huggingface.co/settings/tokens.',
  },
  "offline-mode": {
    title: "HF_HUB_OFFLINE: nothing sent",
    summary: "HF_HUB_OFFLINE is set: no request was made",
    tokenFault: false,
    fix: "Unset HF_HUB_OFFLINE (or set it to 0) and run again.",
  },
  unknown: {
    title: "Unknown failure",
    summary: "none of the above",
    tokenFault: false,
    fix: "Read the server's words; report it with the request id if it persists.",
  },
};

/** `code` when it is one of {@linkcode FAILURE_CLASSES}, else `undefined`. */
export function failureClassOf(code: string | undefined): FailureCode | undefined {
  return code !== undefined && Object.hasOwn(FAILURE_CLASSES, code)
    ? code as FailureCode
    : undefined;
}
