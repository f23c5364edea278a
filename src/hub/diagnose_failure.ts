/**
 * The one failure classifier: a pure function from what was observed (the thrown error,
 * the last HTTP answer, whether the call timed out) and what the token validation knows, to
 * one diagnosis of the one vocabulary ({@linkcode FailureCode}). Every endpoint goes through
 * it: whoami (`area: "whoami"`), the Hub API, the router and the providers it passes
 * through (OpenAI `{"error":{…}}`, FastAPI `{"detail":…}`, RFC 7807 problem+json), and the
 * error events of a stream (TGI, vLLM). whoami, login(), probe(), explain() and the calls of
 * `inferenceClient()` / `hubCredentials()` all use it. No network, no clock: table-tested in
 * `tests/probe_test.ts` and `tests/explain_test.ts`.
 *
 * @module
 */

import { shorten } from "../_text.ts";
import { redact } from "../_mask.ts";
import { type Json, obj } from "../_json.ts";
import { DEFAULT_HUB_URL } from "./endpoints.ts";
import type { Identity, ValidationData } from "./types.ts";
import { TOKENS_PAGE } from "./diagnose_token.ts";
import { parseRateLimit, type RateLimitInfo } from "./_rate_limit.ts";
import {
  errorMessage,
  errorName,
  isHtml as looksHtml,
  messageChain,
  type NetworkKind,
  networkKind,
  type ObservedResponse,
  parseJsonObject,
  retryAfterSeconds,
} from "../_observation.ts";
import { describeLimit } from "../_body.ts";

/** The permission id behind "Make calls to Inference Providers". */
const INFERENCE_PERMISSION = "inference.serverless.write";
/** Settings-page names of fine-grained permissions, as people see them. */
const PERMISSION_LABELS = {
  inference: "Make calls to Inference Providers",
  gated: "Read access to contents of all public gated repos you can access",
  repoRead: "Read access to contents of all repos under your personal namespace",
  repoWrite: "Write access to contents/settings of all repos under your personal namespace",
} as const;

export { FAILURE_CLASSES } from "../_failure_classes.ts";
export type { FailureClass, FailureCode } from "../_failure_classes.ts";
import { FAILURE_CLASSES, type FailureClass, type FailureCode } from "../_failure_classes.ts";
export type { NetworkKind, ObservedResponse } from "../_observation.ts";

/**
 * The failure vocabulary under its former name.
 *
 * @deprecated Use {@linkcode FailureCode}: one vocabulary for every diagnosis.
 */
export type ProbeFailureCode = FailureCode;
/**
 * A failure class under its former name.
 *
 * @deprecated Use {@linkcode FailureClass}.
 */
export type ProbeFailureClass = FailureClass;
/**
 * The failure table under its former name.
 *
 * @example Usage
 * ```ts
 * import { FAILURE_CLASSES, PROBE_FAILURE_CLASSES } from "@hf-notebook/auth/diagnose";
 * import assert from "node:assert/strict";
 *
 * assert.equal(PROBE_FAILURE_CLASSES, FAILURE_CLASSES);
 * ```
 *
 * @deprecated Use {@linkcode FAILURE_CLASSES}.
 */
export const PROBE_FAILURE_CLASSES: Readonly<Record<FailureCode, FailureClass>> = FAILURE_CLASSES;

/** What {@linkcode diagnoseFailure} looks at. Every field is optional except `area`. */
export interface FailureFacts {
  /**
   * `hub` for Hub API calls, `inference` for router and provider calls, `whoami` for the
   * token check (a 401/403 there is always about the token).
   */
  area: "hub" | "inference" | "whoami";
  /** The model or repo involved. */
  target?: string;
  /** The provider (or `auto`) that was asked. */
  provider?: string;
  /** The inference task name (for messages), e.g. `text-generation`. */
  task?: string;
  /** The error the client threw. */
  error?: unknown;
  /** The last HTTP response observed. */
  response?: ObservedResponse;
  /** The probe hit its own timeout. */
  timedOut?: boolean;
  /** The caller's signal aborted the probe. */
  cancelled?: boolean;
  /** The probe's timeout, for the message. */
  timeoutMs?: number;
  /** A check kept from older guides (`gpt2`, `DialoGPT`): explain, do not blame the token. */
  legacy?: boolean;
  /** What the token validation knows (role, permissions, verdict, PRO). */
  validation?: Pick<ValidationData, "verdict" | "token"> & {
    identity?: Pick<Identity, "isPro">;
  };
  /** Hub base URL, for links (default `https://huggingface.co`). */
  hubUrl?: string;
  /** Secrets to redact from any text taken from the error or the response. */
  secrets?: readonly (string | undefined)[];
  /** The clock (ms) for an HTTP-date `Retry-After`; default `Date.now()`. */
  now?: number;
  /** A stream's error event (the parsed `data:` of an SSE event that carries `error`). */
  event?: unknown;
  /** The fetch failed without an answer (the recording fetch saw it): a network failure. */
  networkError?: unknown;
  /** The token is a browser login (OAuth): some endpoints take access tokens only. */
  oauthToken?: boolean;
  /** The call was a write (createRepo, uploadFile…): a 403 is about write rights. */
  write?: boolean;
}

/**
 * The facts under their former name.
 *
 * @deprecated Use {@linkcode FailureFacts}.
 */
export type ProbeFailureFacts = FailureFacts;

/** A diagnosed failure. */
export interface FailureDiagnosis {
  /** Machine-readable class. */
  code: FailureCode;
  /** What went wrong, in one or two sentences. Never contains the token. */
  reason: string;
  /** What to do. */
  fix: string;
  /** The HTTP status that decided it, if any. */
  status?: number;
  /** Seconds to wait (429 `Retry-After` / `RateLimit`, 503 `estimated_time`). */
  waitSeconds?: number;
  /** Whether the token itself is the cause (from {@linkcode FAILURE_CLASSES}). */
  tokenFault: boolean;
  /** For a failure without an answer: what kind of network failure it was. */
  network?: NetworkKind;
}

/**
 * A diagnosis under its former name.
 *
 * @deprecated Use {@linkcode FailureDiagnosis}.
 */
export type ProbeDiagnosis = FailureDiagnosis;

function statusOf(facts: FailureFacts): number | undefined {
  const e = obj(facts.error);
  if (typeof e?.statusCode === "number") return e.statusCode;
  const httpResponse = obj(e?.httpResponse);
  if (typeof httpResponse?.status === "number") return httpResponse.status;
  const status = facts.response?.status;
  return status !== undefined && status >= 300 ? status : undefined;
}

/**
 * A stream's error event (`data: {"error": …}` after a 200), from `facts.event` or the
 * body huggingface.js keeps when it throws on one; `undefined` when the failure is not one.
 */
function streamEvent(facts: FailureFacts, status: number | undefined): Json | undefined {
  const given = obj(facts.event);
  if (given && given.error !== undefined) return given;
  if (status !== undefined && status >= 300) return undefined;
  const body = obj(obj(obj(facts.error)?.httpResponse)?.body);
  return body && body.error !== undefined ? body : undefined;
}

/** Old TGI `error_type`s (before 2.4 put an `http_status_code` in the event) → the status. */
const TGI_ERROR_TYPES: Record<string, number> = {
  validation: 422,
  template_error: 422,
  overloaded: 429,
  generation: 500,
  incomplete_generation: 500,
};

/**
 * The status a stream error stands for: TGI ≥ 2.4's `error.http_status_code`, vLLM's numeric
 * `error.code`, an old TGI `error_type`, else 500 (the server failed mid-answer).
 */
function streamStatus(event: Json): number {
  const nested = obj(event.error);
  for (const value of [nested?.http_status_code, nested?.status_code, nested?.code]) {
    if (typeof value === "number" && value >= 400 && value < 600) return Math.floor(value);
  }
  const type = typeof event.error_type === "string" ? event.error_type : nested?.type;
  if (typeof type === "string" && TGI_ERROR_TYPES[type]) return TGI_ERROR_TYPES[type];
  if (typeof type === "string" && /BadRequest|invalid_request/i.test(type)) return 400;
  return 500;
}

function bodyText(facts: FailureFacts): string {
  const parts: string[] = [];
  if (facts.response?.body) parts.push(facts.response.body);
  const e = obj(facts.error);
  const data = e?.data ?? obj(e?.httpResponse)?.body;
  if (data !== undefined) parts.push(typeof data === "string" ? data : JSON.stringify(data));
  return parts.join("\n");
}

function host(facts: FailureFacts): string {
  try {
    if (facts.response?.url) return new URL(facts.response.url).host;
  } catch { /* fall through */ }
  return facts.area === "hub" ? "the Hub" : "the Inference Providers router";
}

function isFineGrained(facts: FailureFacts): boolean {
  return facts.validation?.token?.role === "fineGrained";
}

function hasInferencePermission(facts: FailureFacts): boolean {
  return facts.validation?.token?.permissions.some((g) =>
    g.permissions.includes(INFERENCE_PERMISSION)
  ) ?? false;
}

/**
 * The wait a 429/503 asks for: `Retry-After` (seconds, or an HTTP date measured from
 * `facts.now`), else the body's `retry_after`. The RateLimit headers are read by the caller.
 */
function retrySeconds(facts: FailureFacts, body: string): number | undefined {
  const header = facts.response?.retryAfter;
  const now = facts.now ?? Date.now();
  const fromHeader = retryAfterSeconds(header, now);
  if (fromHeader !== undefined) return fromHeader;
  const json = parseJsonObject(body.split("\n")[0]);
  const inBody = json?.retry_after ?? json?.retryAfter;
  return typeof inBody === "number" && Number.isFinite(inBody) ? Math.ceil(inBody) : undefined;
}

const NOT_YOUR_TOKEN = "not your token's fault";
/** Where an account's Inference Providers usage and credits are shown. */
const BILLING_PAGE = "https://huggingface.co/settings/billing";

/**
 * Diagnoses one failed probe: which of the failure classes of
 * {@linkcode ProbeFailureCode} it is, with a reason and a fix. Pure: the same facts
 * always give the same diagnosis; every text taken from the error or the
 * response goes through `redact()` with `facts.secrets`.
 *
 * @example A fine-grained token without the inference permission
 * ```ts
 * import { diagnoseFailure } from "@hf-notebook/auth/diagnose";
 * import assert from "node:assert/strict";
 *
 * const d = diagnoseFailure({
 *   area: "inference",
 *   target: "dslim/bert-base-NER",
 *   response: { status: 403, contentType: "application/json", body: '{"error":"Forbidden"}' },
 *   validation: { verdict: "valid", token: { role: "fineGrained", permissions: [] } },
 * });
 * assert.deepEqual(d.code, "missing-inference-permission");
 * assert.match(d.reason, /Make calls to Inference Providers/);
 * ```
 *
 * @example A legacy model that no provider serves
 * ```ts
 * import { diagnoseFailure } from "@hf-notebook/auth/diagnose";
 * import assert from "node:assert/strict";
 *
 * const d = diagnoseFailure({
 *   area: "inference",
 *   target: "gpt2",
 *   legacy: true,
 *   error: Object.assign(new Error("No Inference Provider available for model gpt2."), {
 *     name: "InputError",
 *   }),
 * });
 * assert.deepEqual(d.code, "legacy-model");
 * assert.match(d.reason, /not your token's fault/);
 * ```
 *
 * @param facts What was observed and what the validation knows.
 * @returns The diagnosis.
 */
export function diagnoseFailure(facts: FailureFacts): FailureDiagnosis {
  const d = diagnose(facts);
  const secrets = facts.secrets ?? [];
  return {
    ...d,
    reason: redact(d.reason, secrets),
    fix: redact(d.fix, secrets),
    tokenFault: FAILURE_CLASSES[d.code].tokenFault,
  };
}

type Draft = Omit<FailureDiagnosis, "tokenFault">;

/**
 * The repo a Hub answer was about, read from its URL (`/api/models/{id}…`,
 * `/{id}/resolve/…`), to name it when the probe itself did not. Only for naming:
 * no class is ever decided from the URL.
 */
function repoFromUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const path = decodeURIComponent(new URL(url).pathname);
    const api = /^\/api\/models\/([^/]+\/[^/]+|[^/]+?)(?:\/(?:auth-check|revision\/.*|tree\/.*))?$/
      .exec(path);
    if (api) return api[1];
    const file = /^\/([^/]+\/[^/]+|[^/]+)\/(?:resolve|raw)\//.exec(path);
    return file?.[1];
  } catch {
    return undefined;
  }
}

function diagnose(input: FailureFacts): Draft {
  const named = input.target ??
    (input.area === "hub" ? repoFromUrl(input.response?.url) : undefined);
  const facts: FailureFacts = named ? { ...input, target: named } : input;
  const hub = (facts.hubUrl ?? DEFAULT_HUB_URL).replace(/\/+$/, "");
  const secrets = facts.secrets ?? [];
  const clean = (text: string) => redact(text, secrets);
  const target = facts.target ?? "this model";
  const page = facts.target ? `${hub}/${facts.target}` : `${hub}/models`;
  const name = errorName(facts.error);
  const message = clean(errorMessage(facts.error));
  const chain = clean(messageChain(facts.error));
  const event = streamEvent(facts, statusOf(facts));
  // An error inside a stream is diagnosed as the answer it stands for.
  const status = event ? streamStatus(event) : statusOf(facts);
  const streamed = event !== undefined;
  const body = clean(event ? JSON.stringify(event) : bodyText(facts));
  const where = host(facts);
  // Tokens are managed on huggingface.co even when the Hub is reached through a mirror.
  const tokensPage = TOKENS_PAGE;
  const deployed = `${hub}/models?inference_provider=all`;

  // 1. The probe did not finish.
  if (facts.cancelled || (name === "AbortError" && !facts.timedOut)) {
    return {
      code: "cancelled",
      reason: "Cancelled by the caller's signal before an answer arrived.",
      fix: "Run the probe again without cancelling it.",
    };
  }
  if (facts.timedOut || name === "TimeoutError") {
    const ms = facts.timeoutMs !== undefined ? `${facts.timeoutMs} ms` : "the timeout";
    return {
      code: "timeout",
      reason: `No answer from ${where} within ${ms}.`,
      fix: "Retry later or raise `timeoutMs`; if it persists, check your network or proxy " +
        "and https://status.huggingface.co.",
    };
  }

  // An answer past the body cap is not a Hub or provider error: nothing real is that large.
  if (facts.response?.bodyTruncated) {
    const cap = describeLimit(facts.response.bodyLimit ?? body.length);
    return {
      code: "response-too-large",
      status,
      reason: `${where} sent an answer larger than ${cap}${
        status !== undefined ? ` (status ${status})` : ""
      }: a proxy or a broken server (${NOT_YOUR_TOKEN}). Only the first ${cap} were read.`,
      fix: "Check HF_ENDPOINT / HF_INFERENCE_ENDPOINT and any proxy in between; a real " +
        "Hugging Face error answer is small.",
    };
  }

  // 2. The inference client's own routing answers (no HTTP error involved).
  const noProvider =
    /No Inference Provider available for model|We have not been able to find inference provider information for model/
      .test(message);
  if (noProvider && status === undefined) {
    const explicit = facts.provider && facts.provider !== "auto";
    if (explicit && /not been able to find/.test(message)) {
      return {
        code: "provider-not-serving",
        reason: `${target} is not served by the provider "${facts.provider}" (${NOT_YOUR_TOKEN}).`,
        fix: `Use provider "auto", or one of the providers listed on ${page}.`,
      };
    }
    if (facts.legacy) {
      return {
        code: "legacy-model",
        reason: `${target} is served by no Inference Provider today — ${NOT_YOUR_TOKEN}. ` +
          "Older guides used it with the retired serverless API.",
        fix: `Pick a model from ${deployed} (e.g. a chat model with chatCompletion).`,
      };
    }
    return {
      code: "no-provider",
      reason: `${target} is served by no Inference Provider, so no token can run it ` +
        `(${NOT_YOUR_TOKEN}).`,
      fix: `Pick a model that is deployed: ${deployed}.`,
    };
  }
  const taskMismatch =
    /is not supported for task (\S+) and provider (\S+)\. Supported task: ([^.\s]+)/
      .exec(message);
  if (taskMismatch) {
    const [, task, provider, supported] = taskMismatch;
    return {
      code: "unsupported-task",
      reason: `${provider} serves ${target} for ${supported}, not ${task} (${NOT_YOUR_TOKEN}).`,
      fix: supported === "conversational"
        ? "Call chatCompletion for this model, or pick a text-generation model."
        : `Call the ${supported} task for this model, or pick a model served for ${task}.`,
    };
  }

  // The client refused the call itself, before any request (a missing argument, a task the
  // provider does not route): nothing reached a server, so neither the token nor a server is
  // to blame.
  if (
    status === undefined && facts.response === undefined &&
    (name === "InputError" || name === "RoutingError")
  ) {
    return {
      code: "invalid-input",
      reason: `The client refused the call before sending it (${name})` +
        (message ? `: ${shorten(message, 200)}` : ".") + ` (${NOT_YOUR_TOKEN})`,
      fix: "Fix the call's arguments as the message says (model, provider, task, inputs); " +
        "nothing was sent.",
    };
  }

  // 3. Network failures without an HTTP answer.
  if (status === undefined && facts.networkError !== undefined) {
    const kind = networkKind(clean(messageChain(facts.networkError)) + " | " + chain);
    if (kind === "dns" || kind === "refused") {
      return {
        code: "offline",
        network: kind,
        reason: kind === "dns"
          ? `Could not resolve ${where}: the name lookup (DNS) failed.`
          : `Could not connect to ${where}: connection refused.`,
        fix: "Check the network connection and proxy settings, and HF_ENDPOINT / " +
          "HF_INFERENCE_ENDPOINT if you set them.",
      };
    }
    return {
      code: "connection-failed",
      network: kind,
      reason: kind === "tls"
        ? `The secure (TLS) connection to ${where} failed.`
        : kind === "reset"
        ? `${where} closed the connection without a complete answer.`
        : `The request to ${where} failed (network error).`,
      fix: kind === "tls"
        ? "A proxy may be intercepting HTTPS: install its certificate (DENO_CERT) or use a " +
          "network without it."
        : "Retry; if it persists a proxy or firewall may be cutting connections.",
    };
  }
  if (
    status === undefined && (name === "TypeError" || /error sending request|connect/i.test(chain))
  ) {
    if (/dns|lookup|name or service not known|name resolution|getaddrinfo|not known/i.test(chain)) {
      return {
        code: "offline",
        reason: `Could not resolve ${where}: the name lookup (DNS) failed.`,
        fix: "Check the network connection and proxy settings, and HF_ENDPOINT / " +
          "HF_INFERENCE_ENDPOINT if you set them.",
      };
    }
    if (/refused/i.test(chain)) {
      return {
        code: "offline",
        reason: `Could not connect to ${where}: connection refused.`,
        fix: "Check the network connection, and HF_ENDPOINT / HF_INFERENCE_ENDPOINT if you " +
          "point them at a mirror or proxy.",
      };
    }
    if (/reset|closed|broken pipe|unexpected end|incomplete|eof/i.test(chain)) {
      return {
        code: "connection-failed",
        reason: `${where} closed the connection without an answer.`,
        fix: "Retry; if it persists a proxy or firewall may be cutting connections.",
      };
    }
  }

  // 4. HTTP statuses, decided from structured signals first: the status, the Hub's
  // X-Error-Code / X-Error-Message, WWW-Authenticate, the /v1 `error.code`, the
  // hf-inference `{"error": "…"}` string, Retry-After and RateLimit. The server's own
  // sentence is read only for stable keywords, and never the client's message (it ends
  // with the request URL, e.g. `…?expand[]=gated`).
  const s = signals(facts, clean);
  const json = s.json;
  const isHtml = looksHtml(facts.response?.contentType, facts.response?.body);
  const said = s.said; // the server's sentence (header, {"error"}, error.message, text/plain)
  const saidShort = said ? `: ${shorten(said)}` : ".";
  const routerArea = facts.area === "inference";
  const gated = s.errorCode === "GatedRepo" ||
    (s.errorCode === undefined &&
      /\bgated\b|is restricted|authorized list|awaiting a review|rejected by the repo/i.test(said));
  const tokenAccepted = facts.validation?.verdict === "valid";
  const invalidCredentials = /invalid credentials/i.test(s.errorMessage ?? "") ||
    (!s.errorMessage && /invalid credentials/i.test(said));

  if (facts.area === "whoami" && (status === 401 || status === 403)) {
    // whoami-v2 answers 401 only about the token itself.
    const expired = facts.validation?.verdict === "expired" || /expired/i.test(said);
    return expired
      ? {
        code: "expired-token",
        status,
        reason: `The token has expired: the Hub answered ${status}${saidShort}`,
        fix: `Create a new token at ${tokensPage} (pick a later expiration or none).`,
      }
      : {
        code: "invalid-token",
        status,
        reason: `The Hub answered ${status}${saidShort} The token was revoked, has expired, ` +
          "or was mistyped.",
        fix: `Create a new token at ${tokensPage} and set it as HF_TOKEN (or log in again).`,
      };
  }
  if (
    facts.area === "whoami" && status !== undefined && status >= 400 && status !== 429 &&
    status !== 413 && !isHtml
  ) {
    // whoami-v2 gives no other error answer: whatever it is, the token was not judged.
    return {
      code: "server-error",
      status,
      reason: `${where} answered ${status}${saidShort} The token could not be checked.`,
      fix: "Retry in a few minutes; see https://status.huggingface.co.",
    };
  }
  if (status === 413) {
    return {
      code: "payload-too-large",
      status,
      reason: `${where} refused the request as too large (413)${saidShort} (${NOT_YOUR_TOKEN})`,
      fix: "Send a smaller input (shorter text, a smaller image or file, fewer items per call).",
    };
  }
  if (status === 409 && (facts.area !== "inference" || /already exists/i.test(said))) {
    return {
      code: "repo-exists",
      status,
      reason: `${where} answered 409: it already exists${saidShort} (${NOT_YOUR_TOKEN})`,
      fix: "Pick another name, or reuse the existing repository (createRepo: catch the 409, " +
        "or check with repoExists first).",
    };
  }
  // A dedicated Inference Endpoint that is paused or scaled to zero: 400 "Invalid state"
  // today, 502 before (the endpoint's own answer; no structured code is sent).
  if (
    (status === 400 || status === 502 || status === 503) &&
    /invalid state|endpoint is paused|is paused|scaled to zero/i.test(said)
  ) {
    return {
      code: "endpoint-paused",
      status,
      reason: `The Inference Endpoint is paused or scaled to zero (${status})${saidShort} ` +
        `(${NOT_YOUR_TOKEN})`,
      fix: "Resume the endpoint on its page at https://endpoints.huggingface.co (or enable " +
        "scale-to-zero wake-up), wait until it is running, then run again.",
    };
  }
  if (status === 402) {
    const pro = facts.validation?.identity?.isPro;
    const plan = pro === true
      ? "This is a PRO account: its monthly included credits are used up and pay-as-you-go " +
        "is not available for this call."
      : pro === false
      ? "This is a free account: its small monthly credit is used up (PRO includes 20× more " +
        "and can pay as you go)."
      : "Free accounts get a small monthly credit, PRO accounts 20× more and pay-as-you-go.";
    return {
      code: "credits-exhausted",
      status,
      reason: `Payment required (402): the account's Inference Providers credits are used up` +
        `${saidShort} ${plan} (${NOT_YOUR_TOKEN}: a new token will not help.)`,
      fix: `See usage at ${BILLING_PAGE}; wait for the monthly reset, subscribe to PRO or add ` +
        "credits / enable pay-as-you-go, or pick a provider that bills pay-as-you-go.",
    };
  }
  if (status === 410) {
    return {
      code: "model-deprecated",
      status,
      reason: `${target} is deprecated and no longer served by ` +
        `${facts.provider && facts.provider !== "auto" ? facts.provider : "this provider"} ` +
        `(410)${saidShort} (${NOT_YOUR_TOKEN})`,
      fix: `Pick a model that is deployed now: ${deployed}.`,
    };
  }
  if (s.oaiCode === "model_not_found") {
    return modelNotFound(target, status, said, deployed);
  }
  if (
    s.oaiCode === "model_not_supported" ||
    (routerArea && /not supported by (any )?provider/i.test(said))
  ) {
    const named = facts.provider &&
      !["auto", "fastest", "cheapest", "preferred"].includes(facts.provider);
    if (named || /not supported by provider/i.test(said)) {
      return {
        code: "provider-not-serving",
        status,
        reason: `${target} is not served by the provider ` +
          `"${facts.provider ?? "chosen"}" (${status})${saidShort} (${NOT_YOUR_TOKEN})`,
        fix: `Use provider "auto", or one of the providers listed on ${page}.`,
      };
    }
    return {
      code: "no-enabled-provider",
      status,
      reason: `${target} is served by none of the Inference Providers enabled for this account ` +
        `(${status})${saidShort} (${NOT_YOUR_TOKEN})`,
      fix: `Enable more providers at ${hub}/settings/inference-providers, or pick a model from ` +
        `${deployed}.`,
    };
  }
  if (
    status === 422 && routerArea &&
    (json?.error_type === "template_error" || /chat template|template not found/i.test(said))
  ) {
    return {
      code: "not-a-chat-model",
      status,
      reason: `${target} has no chat template, so it cannot be used with chatCompletion ` +
        `(422)${saidShort} (${NOT_YOUR_TOKEN})`,
      fix: "Call textGeneration for this base model, or pick an instruct/chat model.",
    };
  }

  // The client looks up the provider mapping anonymously: a 401/404 there means the
  // repo is missing or private, never that the token is bad.
  const mappingLookup = /Failed to fetch inference provider mapping/.test(message);
  if (status === 404 && s.errorCode === "EntryNotFound") {
    return {
      code: "file-not-found",
      status,
      reason: `${target} has no such file (404 EntryNotFound) (${NOT_YOUR_TOKEN}).`,
      fix: `Check the file name at ${page}/tree/main.`,
    };
  }
  if (status === 404 && s.errorCode === "RevisionNotFound") {
    return {
      code: "revision-not-found",
      status,
      reason: `${target} has no such revision (404 RevisionNotFound) (${NOT_YOUR_TOKEN}).`,
      fix: `Check the branch, tag or commit at ${page}/commits/main.`,
    };
  }
  if (status === 404 && routerArea && s.errorCode === undefined && !mappingLookup) {
    if (json && /does not exist|not found/i.test(said) && /model/i.test(said)) {
      return modelNotFound(target, status, said, deployed);
    }
    // A bare router 404 for a provider route: the model is not deployed there.
    return {
      code: "provider-not-serving",
      status,
      reason: `${target} is not deployed on ${facts.provider ?? "the chosen provider"} ` +
        `(router 404) (${NOT_YOUR_TOKEN}).`,
      fix: `Use provider "auto", or pick a model deployed there: ${deployed}.`,
    };
  }
  if (gated && (status === 401 || status === 403)) {
    if (status === 401 && !invalidCredentials) {
      return gatedDiagnosis(facts, status, page, tokensPage, said);
    }
    if (status === 403) return gatedDiagnosis(facts, status, page, tokensPage, said);
  }
  if (
    (status === 401 && mappingLookup && !invalidCredentials) ||
    status === 404 || (status === 401 && s.errorCode === "RepoNotFound")
  ) {
    return {
      code: "repo-not-found",
      status,
      reason: `${target} was not found (${status}): it does not exist, or it is private and ` +
        `this token cannot see it (${NOT_YOUR_TOKEN} if the id is right and you are a member).`,
      fix: `Check the id at ${page}; for a private repo use a token of the owner or of a ` +
        "member of the owning org.",
    };
  }
  if (status === 401) {
    if (facts.validation?.verdict === "expired") {
      return {
        code: "expired-token",
        status,
        reason: "The token has expired, so every call is refused (401).",
        fix:
          `Create a new token at ${tokensPage} and set it as HF_TOKEN (or save it: saveToken() or hf login --persist).`,
      };
    }
    // A browser-login (OAuth) token that some endpoints (Space restart, …) handle as
    // anonymous: "Invalid username or password." rather than "Invalid credentials".
    if (
      facts.oauthToken && !invalidCredentials && facts.validation?.verdict !== "invalid"
    ) {
      return {
        code: "oauth-token-not-accepted",
        status,
        reason: `${where} answered 401${saidShort} The token is a browser-login (OAuth) ` +
          "token, which this endpoint does not take (it handled the call as anonymous).",
        fix: `For this call use an access token (hf_…) created at ${tokensPage}: ` +
          "`inferenceClient({ token })` / `hubCredentials({ token })`, or set HF_TOKEN.",
      };
    }
    if (tokenAccepted && !invalidCredentials) {
      // The Hub answers "Invalid username or password." when it handled the request as
      // anonymous: a missing repo, or a private/gated one this token cannot see.
      return {
        code: "repo-not-visible",
        status,
        reason: `${where} answered 401${saidShort} The token itself is valid (whoami accepts ` +
          `it), so ${target} does not exist, or it is private or gated and not visible to ` +
          "this token.",
        fix: `Check the id at ${page}; for a private repo use a token of a member of the ` +
          "owning org; for a gated one accept its terms there.",
      };
    }
    return {
      code: "invalid-token",
      status,
      reason: "The token was rejected (401): it is invalid, revoked or expired.",
      fix:
        `Create a new token at ${tokensPage} and set it as HF_TOKEN (or save it: saveToken() or hf login --persist); check ` +
        "that it was copied whole, without spaces.",
    };
  }
  if (status === 403) {
    if (facts.area === "inference") {
      const saysPermission = /sufficient permissions to call Inference Providers/i.test(said) &&
        !/on behalf of app/i.test(said);
      if (
        (isFineGrained(facts) && !hasInferencePermission(facts)) ||
        (!facts.validation?.token && saysPermission)
      ) {
        return {
          code: "missing-inference-permission",
          status,
          reason: `This fine-grained token lacks the "${PERMISSION_LABELS.inference}" permission ` +
            `(${INFERENCE_PERMISSION}), so the router refused it (403).`,
          fix: `At ${tokensPage}, edit the token → Inference → tick ` +
            `"${PERMISSION_LABELS.inference}" (or use a read token).`,
        };
      }
      return {
        code: "inference-forbidden",
        status,
        reason: `The router refused this token for ${target} (403)${saidShort}`,
        fix: `Use a user token with "${PERMISSION_LABELS.inference}" (a read token has it); ` +
          "app and org-scoped tokens cannot call Inference Providers.",
      };
    }
    if (
      facts.write || /rights to|no write access|not allowed to (write|create|push)/i.test(said)
    ) {
      return {
        code: "missing-repo-permission",
        status,
        reason: `${where} refused the write (403)${saidShort} This token has no write rights ` +
          "there (a read token, or a fine-grained token without that namespace).",
        fix: `At ${tokensPage}, use a write token, or give the fine-grained token write ` +
          `access to that namespace ("${PERMISSION_LABELS.repoWrite}" or the org's).`,
      };
    }
    if (isFineGrained(facts)) {
      return {
        code: "missing-repo-permission",
        status,
        reason: `This fine-grained token has no read permission for ${target} (403).`,
        fix: `At ${tokensPage}, edit the token → Repositories → add ${target} or tick ` +
          `"${PERMISSION_LABELS.repoRead}" (or the matching org permission).`,
      };
    }
    return {
      code: "forbidden",
      status,
      reason: `${where} refused access to ${target} (403)${saidShort}`,
      fix: `Check that this account may read ${page}.`,
    };
  }
  if (status === 429) {
    const hubAnswered = facts.area !== "inference" || s.rateLimit !== undefined;
    // A per-action quota ("repository commits (128 per hour)") is a 429 while the request
    // RateLimit still shows plenty left: its wait is the quota's window, not the header's.
    const perAction = facts.area !== "inference" &&
      ((s.rateLimit !== undefined && s.rateLimit.remaining > 0) ||
        /\(\d+ per (second|minute|hour|day)\)|quota/i.test(said));
    if (perAction) {
      const window = /per (second|minute|hour|day)/i.exec(said)?.[1];
      return {
        code: "action-quota",
        status,
        reason: `${where} refused the action (429): a per-action quota is used up${saidShort}` +
          (s.rateLimit ? ` (the request limit still shows ${s.rateLimit.remaining} left)` : "") +
          ` (${NOT_YOUR_TOKEN})`,
        fix: `Wait for the quota window${window ? ` (one ${window})` : ""} before this action ` +
          "again, or batch the changes into fewer actions (one commit with many files).",
      };
    }
    const wait = s.rateLimit?.resetSeconds ?? retrySeconds(facts, body) ?? s.resetSeconds;
    const header = facts.response?.retryAfter;
    const after = wait !== undefined
      ? `retry after ${wait} s`
      : header
      ? `retry after ${header}`
      : "the answer gives no wait";
    if (hubAnswered) {
      const policy = s.rateLimit?.limit !== undefined && s.rateLimit.windowSeconds !== undefined
        ? ` (${s.rateLimit.limit} "${s.rateLimit.resource}" requests per ${s.rateLimit.windowSeconds} s)`
        : s.rateLimit
        ? ` (the "${s.rateLimit.resource}" limit)`
        : "";
      return {
        code: "rate-limited",
        status,
        waitSeconds: wait,
        reason: `Rate limited (429) by the Hub: too many requests from this account or IP` +
          `${policy}; ${after}.`,
        fix: `Wait${wait !== undefined ? ` ${wait} s` : " a few minutes"} and run again; a ` +
          "logged-in or PRO account gets higher Hub limits.",
      };
    }
    return {
      code: "provider-rate-limited",
      status,
      waitSeconds: wait,
      reason: `Rate limited (429) by the Inference Providers router` +
        `${facts.provider && facts.provider !== "auto" ? ` / ${facts.provider}` : ""}` +
        `${said ? ` (${shorten(said, 100)})` : ""}; ${after}. This is throttling, not the ` +
        `account's monthly credits (those give 402) (${NOT_YOUR_TOKEN}).`,
      fix: `Wait${wait !== undefined ? ` ${wait} s` : " a minute"} and run again, or use ` +
        "another provider.",
    };
  }
  if (
    status === 503 && (json?.estimated_time !== undefined || /loading/i.test(said)) && !streamed
  ) {
    const eta = typeof json?.estimated_time === "number"
      ? Math.ceil(json.estimated_time)
      : undefined;
    return {
      code: "model-loading",
      status,
      waitSeconds: eta,
      reason: `${target} is loading (503)` +
        (eta !== undefined ? `; ready in about ${eta} s.` : "; it is not ready yet.") +
        ` (${NOT_YOUR_TOKEN})`,
      fix: `Retry${eta !== undefined ? ` in ${eta} s` : " shortly"}; the InferenceClient ` +
        "retries 503 by itself unless retry_on_error is false.",
    };
  }
  if (isHtml) {
    return {
      code: "unexpected-response",
      status,
      reason: `${where} answered ${
        status !== undefined ? `${status} with ` : ""
      }an HTML page instead of JSON — a proxy, captive portal or error page is in the way.`,
      fix: "Check proxy settings and HF_ENDPOINT / HF_INFERENCE_ENDPOINT; open the URL in a " +
        "browser to see the page.",
    };
  }
  if (status !== undefined && status >= 500) {
    return {
      code: "server-error",
      status,
      reason: `${where} answered ${status}` +
        (said ? ` (${shorten(said, 100)})` : "") +
        ` — a server-side problem (${NOT_YOUR_TOKEN}).`,
      fix: "Retry in a few minutes; see https://status.huggingface.co.",
    };
  }
  if ((status === 400 || status === 422) && (said || json)) {
    // A deliberate answer (JSON or text/plain) about the request itself.
    return {
      code: "invalid-request",
      status,
      reason: `${where} rejected the request for ${target} (${status})` +
        `${said ? `: ${shorten(said)}` : "."} (${NOT_YOUR_TOKEN})`,
      fix: "Check the task and parameters for this model (the message above names the " +
        "field); the probe's tiny input may not fit every model — pick another model.",
    };
  }

  // 5. 2xx with a body that is not what the client expected.
  if (name === "SyntaxError" || /JSON|Unexpected end|Unexpected token/i.test(message)) {
    return {
      code: "unexpected-response",
      status,
      reason: `${where} sent a response that is not valid JSON (cut off or garbled)` +
        (message ? `: ${shorten(message, 100)}` : "."),
      fix: "Retry; if it persists a proxy may be truncating responses.",
    };
  }
  if (name === "ProviderOutputError" || /Expected|malformed|invalid response/i.test(message)) {
    return {
      code: "unexpected-response",
      status,
      reason: `${where} answered with an unexpected shape: ${shorten(message, 140)}`,
      fix: "Retry later; if it persists the provider may have changed its API — report it.",
    };
  }
  if (status !== undefined && status >= 400) {
    return {
      code: "unknown",
      status,
      reason: `${where} answered ${status}` +
        (body ? `: ${shorten(detailOf(json) ?? body)}` : "."),
      fix: "Read the reason above; check the model id and parameters.",
    };
  }
  return {
    code: "unknown",
    status,
    reason: message ? `Failed: ${shorten(message, 200)}` : "Failed for an unknown reason.",
    fix: "Run again; if it persists, report it with the reason above.",
  };
}

function detailOf(json: Record<string, unknown> | undefined): string | undefined {
  const value = json?.error ?? json?.message ?? json?.detail;
  if (typeof value === "string") return value;
  const nested = obj(value)?.message;
  return typeof nested === "string" ? nested : undefined;
}

/** The structured signals of one error answer. */
interface Signals {
  json?: Record<string, unknown>;
  /** `X-Error-Code`. */
  errorCode?: string;
  /** `X-Error-Message`. */
  errorMessage?: string;
  /** The `/v1` OpenAI envelope's `error.code`. */
  oaiCode?: string;
  /** The server's sentence: X-Error-Message, `{"error": "…"}`, `error.message`, or a text/plain body. */
  said: string;
  rateLimit?: RateLimitInfo;
  /** `ratelimit-reset` (the older triple RFC 7807 providers send), in seconds. */
  resetSeconds?: number;
}

/** FastAPI's validation array (`[{loc, msg, type}]`) as one sentence. */
function fastApiDetail(detail: unknown[]): string | undefined {
  const parts = detail.map((item) => {
    const entry = obj(item);
    const loc = Array.isArray(entry?.loc) ? entry.loc.join(".") : undefined;
    const msg = typeof entry?.msg === "string" ? entry.msg : undefined;
    return msg ? (loc ? `${loc}: ${msg}` : msg) : typeof item === "string" ? item : undefined;
  }).filter((p): p is string => !!p);
  return parts.length ? parts.slice(0, 5).join("; ") : undefined;
}

function signals(facts: FailureFacts, clean: (t: string) => string): Signals {
  const r = facts.response;
  const e = obj(facts.error);
  const raw = r?.body ?? (typeof e?.data === "string" ? e.data : undefined);
  const json = obj(facts.event) ?? parseJsonObject(clean(r?.body ?? "")) ?? obj(e?.data) ??
    obj(obj(e?.httpResponse)?.body);
  const err = json?.error;
  const nested = obj(err);
  const oaiCode = typeof nested?.code === "string" ? nested.code : undefined;
  const fromJson = typeof err === "string"
    ? err
    : Array.isArray(err) && typeof err[0] === "string"
    ? err.join("; ")
    : typeof nested?.message === "string"
    ? nested.message
    : typeof json?.message === "string"
    ? json.message
    : typeof json?.detail === "string"
    ? json.detail
    : Array.isArray(json?.detail)
    ? fastApiDetail(json.detail)
    : typeof json?.title === "string"
    ? json.title // RFC 7807 problem+json without a detail
    : undefined;
  // text/plain answers are deliberate (TGI's 422s): their text is the server's sentence.
  const plain = !json && raw && !looksHtml(r?.contentType, raw) ? raw.trim() : undefined;
  const errorMessage = r?.errorMessage ? clean(r.errorMessage) : undefined;
  return {
    json,
    errorCode: r?.errorCode,
    errorMessage,
    oaiCode,
    said: clean(errorMessage ?? fromJson ?? plain ?? ""),
    rateLimit: parseRateLimit(r?.rateLimit, r?.rateLimitPolicy),
    ...(r?.rateLimitReset && /^\d+$/.test(r.rateLimitReset.trim())
      ? { resetSeconds: Number(r.rateLimitReset.trim()) }
      : {}),
  };
}

function modelNotFound(
  target: string,
  status: number | undefined,
  said: string,
  deployed: string,
): Draft {
  return {
    code: "model-not-found",
    status,
    reason: `${target} is not a model id the router knows (${status ?? "error"})` +
      `${said ? `: ${shorten(said)}` : "."} (${NOT_YOUR_TOKEN})`,
    fix: `Check the spelling (owner/name) on the model page, or pick a model from ${deployed}.`,
  };
}

function gatedDiagnosis(
  facts: FailureFacts,
  status: number,
  page: string,
  tokensPage: string,
  said: string,
): Draft {
  const target = facts.target ?? "This model";
  const quote = said ? ` The Hub says: "${shorten(said, 200)}"` : "";
  if (/awaiting a review|awaiting review|pending/i.test(said)) {
    return {
      code: "gated-awaiting-review",
      status,
      reason: `${target} is gated and this account's access request is awaiting the ` +
        `authors' review (${status}) (${NOT_YOUR_TOKEN}).${quote}`,
      fix: `Wait for the authors to review the request (see its state at ${page}); a new ` +
        "token will not help.",
    };
  }
  if (/rejected/i.test(said)) {
    return {
      code: "gated-rejected",
      status,
      reason: `${target} is gated and the authors rejected this account's access request ` +
        `(${status}) (${NOT_YOUR_TOKEN}).${quote}`,
      fix: `Only the authors can change this: contact them from ${page}, or use another model.`,
    };
  }
  if (/\breset\b/i.test(said)) {
    return {
      code: "gated-reset",
      status,
      reason: `${target} is gated and the authors reset this account's access request ` +
        `(${status}) (${NOT_YOUR_TOKEN}).${quote}`,
      fix: `Submit a new access request at ${page}, then run again once it is accepted.`,
    };
  }
  if (isFineGrained(facts) && facts.validation?.token?.canReadGatedRepos === false) {
    return {
      code: "missing-gated-permission",
      status,
      reason: `${target} is gated and this fine-grained token lacks ` +
        `"${PERMISSION_LABELS.gated}" (${status}).`,
      fix: `At ${tokensPage}, edit the token → Repositories → tick "${PERMISSION_LABELS.gated}"; ` +
        `accept the terms at ${page} if you have not.`,
    };
  }
  if (status === 401) {
    return {
      code: "gated-login-required",
      status,
      reason: `${target} is gated and the Hub received no usable token for it (401: ` +
        `"log in").${quote}`,
      fix: `Send a token (HF_TOKEN, login()) of an account that accepted the terms at ${page}` +
        `; a fine-grained token also needs "${PERMISSION_LABELS.gated}".`,
    };
  }
  return {
    code: "gated-model",
    status,
    reason: `${target} is gated and this account has not been granted access (${status}).` +
      quote,
    fix: `Open ${page}, accept the terms (or request access), then run again.`,
  };
}

/**
 * Settings-page labels of the fine-grained permissions probes talk about.
 *
 * @example Usage
 * ```ts
 * import { PROBE_PERMISSION_LABELS } from "@hf-notebook/auth/diagnose";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(PROBE_PERMISSION_LABELS.inference, "Make calls to Inference Providers");
 * ```
 */
export const PROBE_PERMISSION_LABELS: Readonly<
  Record<"inference" | "gated" | "repoRead" | "repoWrite", string>
> = PERMISSION_LABELS;
