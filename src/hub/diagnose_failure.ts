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

import {
  INFERENCE_PERMISSION_ID as INFERENCE_PERMISSION,
  PERMISSION_LABELS,
  wordFailure,
  type Words,
} from "./_failure_wording.ts";

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

/** What the classifier decided: the class, its wording key and the facts the words use. */
interface Decision {
  code: FailureCode;
  /** `code` or `code:variant`: the entry of `WORDING` (`_failure_wording.ts`). */
  wording: string;
  status?: number;
  waitSeconds?: number;
  network?: NetworkKind;
  words: Words;
}

/** The decision, worded: the one place a diagnosis meets its sentences. */
function diagnose(input: FailureFacts): Draft {
  const { wording, words, ...decision } = decide(input);
  return { ...decision, ...wordFailure(wording, words) };
}

/**
 * The decision: which class, from the most specific structured signal to the least. No
 * sentence is built here; the facts go to the wording table.
 */
function decide(input: FailureFacts): Decision {
  const named = input.target ??
    (input.area === "hub" ? repoFromUrl(input.response?.url) : undefined);
  const facts: FailureFacts = named ? { ...input, target: named } : input;
  const hub = (facts.hubUrl ?? DEFAULT_HUB_URL).replace(/\/+$/, "");
  const secrets = facts.secrets ?? [];
  const clean = (text: string) => redact(text, secrets);
  const name = errorName(facts.error);
  const message = clean(errorMessage(facts.error));
  const chain = clean(messageChain(facts.error));
  const event = streamEvent(facts, statusOf(facts));
  // An error inside a stream is diagnosed as the answer it stands for.
  const status = event ? streamStatus(event) : statusOf(facts);
  const streamed = event !== undefined;
  const body = clean(event ? JSON.stringify(event) : bodyText(facts));
  const words: Words = {
    target: facts.target ?? "this model",
    where: host(facts),
    page: facts.target ? `${hub}/${facts.target}` : `${hub}/models`,
    hub,
    deployed: `${hub}/models?inference_provider=all`,
    // Tokens are managed on huggingface.co even when the Hub is reached through a mirror.
    tokensPage: TOKENS_PAGE,
    ...(facts.provider !== undefined ? { provider: facts.provider } : {}),
    ...(status !== undefined ? { status } : {}),
    said: "",
    saidShort: ".",
    message,
    name,
  };
  const decided = (
    code: FailureCode,
    variant?: string,
    extra: Partial<Words> & { waitSeconds?: number; network?: NetworkKind } = {},
  ): Decision => {
    const { waitSeconds, network, ...more } = extra;
    return {
      code,
      wording: variant ? `${code}:${variant}` : code,
      status,
      ...("waitSeconds" in extra ? { waitSeconds } : {}),
      ...(network !== undefined ? { network } : {}),
      words: { ...words, ...more },
    };
  };
  // Early classes (the call did not get an answer) carry no status.
  const unanswered = (code: FailureCode, variant?: string, extra: Partial<Words> = {}) => {
    const d = decided(code, variant, extra);
    delete d.status;
    return d;
  };

  // 1. The probe did not finish.
  if (facts.cancelled || (name === "AbortError" && !facts.timedOut)) {
    return unanswered("cancelled");
  }
  if (facts.timedOut || name === "TimeoutError") {
    const ms = facts.timeoutMs !== undefined ? `${facts.timeoutMs} ms` : "the timeout";
    return unanswered("timeout", undefined, { ms });
  }

  // An answer past the body cap is not a Hub or provider error: nothing real is that large.
  if (facts.response?.bodyTruncated) {
    return decided("response-too-large", undefined, {
      cap: describeLimit(facts.response.bodyLimit ?? body.length),
    });
  }

  // 2. The inference client's own routing answers (no HTTP error involved).
  const noProvider =
    /No Inference Provider available for model|We have not been able to find inference provider information for model/
      .test(message);
  if (noProvider && status === undefined) {
    const explicit = facts.provider && facts.provider !== "auto";
    if (explicit && /not been able to find/.test(message)) {
      return unanswered("provider-not-serving", "explicit");
    }
    if (facts.legacy) return unanswered("legacy-model");
    return unanswered("no-provider");
  }
  const taskMismatch =
    /is not supported for task (\S+) and provider (\S+)\. Supported task: ([^.\s]+)/
      .exec(message);
  if (taskMismatch) {
    const [, task, mismatchProvider, supported] = taskMismatch;
    return unanswered("unsupported-task", undefined, { task, mismatchProvider, supported });
  }

  // The client refused the call itself, before any request (a missing argument, a task the
  // provider does not route): nothing reached a server, so neither the token nor a server is
  // to blame.
  if (
    status === undefined && facts.response === undefined &&
    (name === "InputError" || name === "RoutingError")
  ) {
    return unanswered("invalid-input");
  }

  // 3. Network failures without an HTTP answer.
  if (status === undefined && facts.networkError !== undefined) {
    const kind = networkKind(clean(messageChain(facts.networkError)) + " | " + chain);
    if (kind === "dns" || kind === "refused") {
      return { ...unanswered("offline", kind), network: kind };
    }
    return { ...unanswered("connection-failed", kind), network: kind };
  }
  if (
    status === undefined && (name === "TypeError" || /error sending request|connect/i.test(chain))
  ) {
    if (/dns|lookup|name or service not known|name resolution|getaddrinfo|not known/i.test(chain)) {
      return unanswered("offline", "dns");
    }
    if (/refused/i.test(chain)) return unanswered("offline", "refused-message");
    if (/reset|closed|broken pipe|unexpected end|incomplete|eof/i.test(chain)) {
      return unanswered("connection-failed", "reset-message");
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
  words.said = said;
  // The server's sentence closes with its own stop, or gets one: the wording goes on after it.
  const saidLine = said ? shorten(said) : "";
  words.saidShort = said ? `: ${saidLine}${/[.!?…]["')]?$/.test(saidLine) ? "" : "."}` : ".";
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
    return expired ? decided("expired-token", "whoami") : decided("invalid-token", "whoami");
  }
  if (
    facts.area === "whoami" && status !== undefined && status >= 400 && status !== 429 &&
    status !== 413 && !isHtml
  ) {
    // whoami-v2 gives no other error answer: whatever it is, the token was not judged.
    return decided("server-error", "whoami");
  }
  if (status === 413) return decided("payload-too-large");
  if (status === 409 && (facts.area !== "inference" || /already exists/i.test(said))) {
    return decided("repo-exists");
  }
  // A dedicated Inference Endpoint that is paused or scaled to zero: 400 "Invalid state"
  // today, 502 before (the endpoint's own answer; no structured code is sent).
  if (
    (status === 400 || status === 502 || status === 503) &&
    /invalid state|endpoint is paused|is paused|scaled to zero/i.test(said)
  ) {
    return decided("endpoint-paused");
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
    return decided("credits-exhausted", undefined, { plan });
  }
  if (status === 410) return decided("model-deprecated");
  if (s.oaiCode === "model_not_found") return decided("model-not-found");
  if (
    s.oaiCode === "model_not_supported" ||
    (routerArea && /not supported by (any )?provider/i.test(said))
  ) {
    const named = facts.provider &&
      !["auto", "fastest", "cheapest", "preferred"].includes(facts.provider);
    if (named || /not supported by provider/i.test(said)) {
      return decided("provider-not-serving", "named");
    }
    return decided("no-enabled-provider");
  }
  if (
    status === 422 && routerArea &&
    (json?.error_type === "template_error" || /chat template|template not found/i.test(said))
  ) {
    return decided("not-a-chat-model");
  }

  // The client looks up the provider mapping anonymously: a 401/404 there means the
  // repo is missing or private, never that the token is bad.
  const mappingLookup = /Failed to fetch inference provider mapping/.test(message);
  if (status === 404 && s.errorCode === "EntryNotFound") return decided("file-not-found");
  if (status === 404 && s.errorCode === "RevisionNotFound") return decided("revision-not-found");
  if (status === 404 && routerArea && s.errorCode === undefined && !mappingLookup) {
    if (json && /does not exist|not found/i.test(said) && /model/i.test(said)) {
      return decided("model-not-found");
    }
    // A bare router 404 for a provider route: the model is not deployed there.
    return decided("provider-not-serving", "router-404");
  }
  if (gated && (status === 401 || status === 403)) {
    if (status === 403 || !invalidCredentials) {
      const gatedWords = {
        gatedTarget: facts.target ?? "This model",
        quote: said ? ` The Hub says: "${shorten(said, 200)}"` : "",
      };
      return decided(gatedClass(facts, status, said), undefined, gatedWords);
    }
  }
  if (
    (status === 401 && mappingLookup && !invalidCredentials) ||
    status === 404 || (status === 401 && s.errorCode === "RepoNotFound")
  ) {
    return decided("repo-not-found");
  }
  if (status === 401) {
    if (facts.validation?.verdict === "expired") return decided("expired-token");
    // A browser-login (OAuth) token that some endpoints (Space restart, …) handle as
    // anonymous: "Invalid username or password." rather than "Invalid credentials".
    if (facts.oauthToken && !invalidCredentials && facts.validation?.verdict !== "invalid") {
      return decided("oauth-token-not-accepted");
    }
    // The Hub answers "Invalid username or password." when it handled the request as
    // anonymous: a missing repo, or a private/gated one this token cannot see.
    if (tokenAccepted && !invalidCredentials) return decided("repo-not-visible");
    return decided("invalid-token");
  }
  if (status === 403) {
    if (facts.area === "inference") {
      const saysPermission = /sufficient permissions to call Inference Providers/i.test(said) &&
        !/on behalf of app/i.test(said);
      if (
        (isFineGrained(facts) && !hasInferencePermission(facts)) ||
        (!facts.validation?.token && saysPermission)
      ) {
        return decided("missing-inference-permission");
      }
      return decided("inference-forbidden");
    }
    if (
      facts.write || /rights to|no write access|not allowed to (write|create|push)/i.test(said)
    ) {
      return decided("missing-repo-permission", "write");
    }
    if (isFineGrained(facts)) return decided("missing-repo-permission", "read");
    return decided("forbidden");
  }
  if (status === 429) {
    const hubAnswered = facts.area !== "inference" || s.rateLimit !== undefined;
    // A per-action quota ("repository commits (128 per hour)") is a 429 while the request
    // RateLimit still shows plenty left: its wait is the quota's window, not the header's.
    const perAction = facts.area !== "inference" &&
      ((s.rateLimit !== undefined && s.rateLimit.remaining > 0) ||
        /\(\d+ per (second|minute|hour|day)\)|quota/i.test(said));
    if (perAction) {
      return decided("action-quota", undefined, {
        ...(s.rateLimit ? { remaining: s.rateLimit.remaining } : {}),
        window: /per (second|minute|hour|day)/i.exec(said)?.[1],
      });
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
      return decided("rate-limited", undefined, { policy, after, wait, waitSeconds: wait });
    }
    return decided("provider-rate-limited", undefined, { after, wait, waitSeconds: wait });
  }
  if (
    status === 503 && (json?.estimated_time !== undefined || /loading/i.test(said)) && !streamed
  ) {
    const eta = typeof json?.estimated_time === "number"
      ? Math.ceil(json.estimated_time)
      : undefined;
    return decided("model-loading", undefined, { eta, waitSeconds: eta });
  }
  if (isHtml) return decided("unexpected-response", "html");
  if (status !== undefined && status >= 500) return decided("server-error");
  // A deliberate answer (JSON or text/plain) about the request itself.
  if ((status === 400 || status === 422) && (said || json)) return decided("invalid-request");

  // 5. 2xx with a body that is not what the client expected.
  if (name === "SyntaxError" || /JSON|Unexpected end|Unexpected token/i.test(message)) {
    return decided("unexpected-response", "json");
  }
  if (name === "ProviderOutputError" || /Expected|malformed|invalid response/i.test(message)) {
    return decided("unexpected-response", "shape");
  }
  if (status !== undefined && status >= 400) {
    return decided("unknown", "status", body ? { detail: detailOf(json) ?? body } : {});
  }
  return decided("unknown");
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

/** Which gated class a 401/403 on a gated repo is (the access request's state, the token's scope). */
function gatedClass(facts: FailureFacts, status: number, said: string): FailureCode {
  if (/awaiting a review|awaiting review|pending/i.test(said)) return "gated-awaiting-review";
  if (/rejected/i.test(said)) return "gated-rejected";
  if (/\breset\b/i.test(said)) return "gated-reset";
  if (isFineGrained(facts) && facts.validation?.token?.canReadGatedRepos === false) {
    return "missing-gated-permission";
  }
  return status === 401 ? "gated-login-required" : "gated-model";
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
