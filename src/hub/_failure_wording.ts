/**
 * The words of every diagnosis, kept apart from the decision (internal): the classifier
 * (`diagnose_failure.ts`) decides a class, a wording key (`code` or `code:variant`) and the
 * facts; this table turns them into a reason and a fix. A wording change touches this file
 * only; the decision is table-tested without sentences.
 *
 * @module
 */

import { shorten } from "../_text.ts";
import type { FailureDiagnosis } from "./diagnose_failure.ts";

/** Where an account's Inference Providers usage and credits are shown. */
const BILLING_PAGE = "https://huggingface.co/settings/billing";
/** The permission id behind "Make calls to Inference Providers". */
export const INFERENCE_PERMISSION_ID = "inference.serverless.write";
/** Settings-page names of fine-grained permissions, as people see them. */
export const PERMISSION_LABELS = {
  inference: "Make calls to Inference Providers",
  gated: "Read access to contents of all public gated repos you can access",
  repoRead: "Read access to contents of all repos under your personal namespace",
  repoWrite: "Write access to contents/settings of all repos under your personal namespace",
} as const;
const NOT_YOUR_TOKEN = "not your token's fault";

/** The facts a wording may use (every text already masked by the classifier). */
export interface Words {
  /** The model or repo ("this model" when unknown). */
  target: string;
  /** The host that answered, or "the Hub" / "the Inference Providers router". */
  where: string;
  /** The target's page on the Hub. */
  page: string;
  /** The Hub base URL. */
  hub: string;
  /** Where deployed models are listed. */
  deployed: string;
  /** Where tokens are made and edited. */
  tokensPage: string;
  /** The provider that was asked. */
  provider?: string;
  /** The status that decided it. */
  status?: number;
  /** The server's sentence (masked), or "". */
  said: string;
  /** `: <said>` shortened, or `.`. */
  saidShort: string;
  /** The client's error message (masked). */
  message: string;
  /** The client's error name. */
  name: string;
  /** The call's timeout, in words. */
  ms?: string;
  /** The body cap, in words. */
  cap?: string;
  /** The task asked / served (a task mismatch), and the provider the client named. */
  task?: string;
  supported?: string;
  mismatchProvider?: string;
  /** The account's plan, in a sentence (402). */
  plan?: string;
  /** A per-action quota's window (`hour`) and what the request RateLimit still shows. */
  window?: string;
  remaining?: number;
  /** The Hub's RateLimit policy in words, the wait and the "retry after …" phrase. */
  policy?: string;
  wait?: number;
  after?: string;
  /** A model's loading time (503 `estimated_time`). */
  eta?: number;
  /** The gated wording's subject ("This model" when unknown) and the Hub's quote. */
  gatedTarget?: string;
  quote?: string;
  /** The body's own sentence for an unknown status. */
  detail?: string;
}

type Wording = (w: Words) => { reason: string; fix: string };

const NETWORK_FIX = "Check the network connection and proxy settings, and HF_ENDPOINT / " +
  "HF_INFERENCE_ENDPOINT if you set them.";
const NEW_TOKEN_FIX = (tokensPage: string) =>
  `Create a new token at ${tokensPage} and set it as HF_TOKEN (or save it: saveToken() or hf login --persist)`;

/** Every wording, keyed by `code` or `code:variant`. */
export const WORDING: Readonly<Record<string, Wording>> = {
  cancelled: () => ({
    reason: "Cancelled by the caller's signal before an answer arrived.",
    fix: "Run the probe again without cancelling it.",
  }),
  timeout: ({ where, ms }) => ({
    reason: `No answer from ${where} within ${ms}.`,
    fix: "Retry later or raise `timeoutMs`; if it persists, check your network or proxy " +
      "and https://status.huggingface.co.",
  }),
  "response-too-large": ({ where, cap, status }) => ({
    reason: `${where} sent an answer larger than ${cap}${
      status !== undefined ? ` (status ${status})` : ""
    }: a proxy or a broken server (${NOT_YOUR_TOKEN}). Only the first ${cap} were read.`,
    fix: "Check HF_ENDPOINT / HF_INFERENCE_ENDPOINT and any proxy in between; a real " +
      "Hugging Face error answer is small.",
  }),
  "provider-not-serving:explicit": ({ target, provider, page }) => ({
    reason: `${target} is not served by the provider "${provider}" (${NOT_YOUR_TOKEN}).`,
    fix: `Use provider "auto", or one of the providers listed on ${page}.`,
  }),
  "legacy-model": ({ target, deployed }) => ({
    reason: `${target} is served by no Inference Provider today — ${NOT_YOUR_TOKEN}. ` +
      "Older guides used it with the retired serverless API.",
    fix: `Pick a model from ${deployed} (e.g. a chat model with chatCompletion).`,
  }),
  "no-provider": ({ target, deployed }) => ({
    reason: `${target} is served by no Inference Provider, so no token can run it ` +
      `(${NOT_YOUR_TOKEN}).`,
    fix: `Pick a model that is deployed: ${deployed}.`,
  }),
  "unsupported-task": ({ target, task, supported, mismatchProvider }) => ({
    reason:
      `${mismatchProvider} serves ${target} for ${supported}, not ${task} (${NOT_YOUR_TOKEN}).`,
    fix: supported === "conversational"
      ? "Call chatCompletion for this model, or pick a text-generation model."
      : `Call the ${supported} task for this model, or pick a model served for ${task}.`,
  }),
  "invalid-input": ({ name, message }) => ({
    reason: `The client refused the call before sending it (${name})` +
      (message ? `: ${shorten(message, 200)}` : ".") + ` (${NOT_YOUR_TOKEN})`,
    fix: "Fix the call's arguments as the message says (model, provider, task, inputs); " +
      "nothing was sent.",
  }),
  "offline:dns": ({ where }) => ({
    reason: `Could not resolve ${where}: the name lookup (DNS) failed.`,
    fix: NETWORK_FIX,
  }),
  "offline:refused": ({ where }) => ({
    reason: `Could not connect to ${where}: connection refused.`,
    fix: NETWORK_FIX,
  }),
  "offline:refused-message": ({ where }) => ({
    reason: `Could not connect to ${where}: connection refused.`,
    fix: "Check the network connection, and HF_ENDPOINT / HF_INFERENCE_ENDPOINT if you " +
      "point them at a mirror or proxy.",
  }),
  "connection-failed:tls": ({ where }) => ({
    reason: `The secure (TLS) connection to ${where} failed.`,
    fix: "A proxy may be intercepting HTTPS: install its certificate (DENO_CERT) or use a " +
      "network without it.",
  }),
  "connection-failed:reset": ({ where }) => ({
    reason: `${where} closed the connection without a complete answer.`,
    fix: "Retry; if it persists a proxy or firewall may be cutting connections.",
  }),
  "connection-failed:other": ({ where }) => ({
    reason: `The request to ${where} failed (network error).`,
    fix: "Retry; if it persists a proxy or firewall may be cutting connections.",
  }),
  "connection-failed:reset-message": ({ where }) => ({
    reason: `${where} closed the connection without an answer.`,
    fix: "Retry; if it persists a proxy or firewall may be cutting connections.",
  }),
  "expired-token:whoami": ({ status, saidShort, tokensPage }) => ({
    reason: `The token has expired: the Hub answered ${status}${saidShort}`,
    fix: `Create a new token at ${tokensPage} (pick a later expiration or none).`,
  }),
  "invalid-token:whoami": ({ status, saidShort, tokensPage }) => ({
    reason: `The Hub answered ${status}${saidShort} The token was revoked, has expired, ` +
      "or was mistyped.",
    fix: `Create a new token at ${tokensPage} and set it as HF_TOKEN (or log in again).`,
  }),
  "server-error:whoami": ({ where, status, saidShort }) => ({
    reason: `${where} answered ${status}${saidShort} The token could not be checked.`,
    fix: "Retry in a few minutes; see https://status.huggingface.co.",
  }),
  "payload-too-large": ({ where, saidShort }) => ({
    reason: `${where} refused the request as too large (413)${saidShort} (${NOT_YOUR_TOKEN})`,
    fix: "Send a smaller input (shorter text, a smaller image or file, fewer items per call).",
  }),
  "repo-exists": ({ where, saidShort }) => ({
    reason: `${where} answered 409: it already exists${saidShort} (${NOT_YOUR_TOKEN})`,
    fix: "Pick another name, or reuse the existing repository (createRepo: catch the 409, " +
      "or check with repoExists first).",
  }),
  "endpoint-paused": ({ status, saidShort }) => ({
    reason: `The Inference Endpoint is paused or scaled to zero (${status})${saidShort} ` +
      `(${NOT_YOUR_TOKEN})`,
    fix: "Resume the endpoint on its page at https://endpoints.huggingface.co (or enable " +
      "scale-to-zero wake-up), wait until it is running, then run again.",
  }),
  "credits-exhausted": ({ saidShort, plan }) => ({
    reason: `Payment required (402): the account's Inference Providers credits are used up` +
      `${saidShort} ${plan} (${NOT_YOUR_TOKEN}: a new token will not help.)`,
    fix: `See usage at ${BILLING_PAGE}; wait for the monthly reset, subscribe to PRO or add ` +
      "credits / enable pay-as-you-go, or pick a provider that bills pay-as-you-go.",
  }),
  "model-deprecated": ({ target, provider, saidShort, deployed }) => ({
    reason: `${target} is deprecated and no longer served by ` +
      `${provider && provider !== "auto" ? provider : "this provider"} ` +
      `(410)${saidShort} (${NOT_YOUR_TOKEN})`,
    fix: `Pick a model that is deployed now: ${deployed}.`,
  }),
  "model-not-found": ({ target, status, said, deployed }) => ({
    reason: `${target} is not a model id the router knows (${status ?? "error"})` +
      `${said ? `: ${shorten(said)}` : "."} (${NOT_YOUR_TOKEN})`,
    fix: `Check the spelling (owner/name) on the model page, or pick a model from ${deployed}.`,
  }),
  "provider-not-serving:named": ({ target, provider, status, saidShort, page }) => ({
    reason: `${target} is not served by the provider ` +
      `"${provider ?? "chosen"}" (${status})${saidShort} (${NOT_YOUR_TOKEN})`,
    fix: `Use provider "auto", or one of the providers listed on ${page}.`,
  }),
  "no-enabled-provider": ({ target, status, saidShort, hub, deployed }) => ({
    reason: `${target} is served by none of the Inference Providers enabled for this account ` +
      `(${status})${saidShort} (${NOT_YOUR_TOKEN})`,
    fix: `Enable more providers at ${hub}/settings/inference-providers, or pick a model from ` +
      `${deployed}.`,
  }),
  "not-a-chat-model": ({ target, saidShort }) => ({
    reason: `${target} has no chat template, so it cannot be used with chatCompletion ` +
      `(422)${saidShort} (${NOT_YOUR_TOKEN})`,
    fix: "Call textGeneration for this base model, or pick an instruct/chat model.",
  }),
  "file-not-found": ({ target, page }) => ({
    reason: `${target} has no such file (404 EntryNotFound) (${NOT_YOUR_TOKEN}).`,
    fix: `Check the file name at ${page}/tree/main.`,
  }),
  "revision-not-found": ({ target, page }) => ({
    reason: `${target} has no such revision (404 RevisionNotFound) (${NOT_YOUR_TOKEN}).`,
    fix: `Check the branch, tag or commit at ${page}/commits/main.`,
  }),
  "provider-not-serving:router-404": ({ target, provider, deployed }) => ({
    reason: `${target} is not deployed on ${provider ?? "the chosen provider"} ` +
      `(router 404) (${NOT_YOUR_TOKEN}).`,
    fix: `Use provider "auto", or pick a model deployed there: ${deployed}.`,
  }),
  "gated-awaiting-review": ({ gatedTarget, status, quote, page }) => ({
    reason: `${gatedTarget} is gated and this account's access request is awaiting the ` +
      `authors' review (${status}) (${NOT_YOUR_TOKEN}).${quote}`,
    fix: `Wait for the authors to review the request (see its state at ${page}); a new ` +
      "token will not help.",
  }),
  "gated-rejected": ({ gatedTarget, status, quote, page }) => ({
    reason: `${gatedTarget} is gated and the authors rejected this account's access request ` +
      `(${status}) (${NOT_YOUR_TOKEN}).${quote}`,
    fix: `Only the authors can change this: contact them from ${page}, or use another model.`,
  }),
  "gated-reset": ({ gatedTarget, status, quote, page }) => ({
    reason: `${gatedTarget} is gated and the authors reset this account's access request ` +
      `(${status}) (${NOT_YOUR_TOKEN}).${quote}`,
    fix: `Submit a new access request at ${page}, then run again once it is accepted.`,
  }),
  "missing-gated-permission": ({ gatedTarget, status, tokensPage, page }) => ({
    reason: `${gatedTarget} is gated and this fine-grained token lacks ` +
      `"${PERMISSION_LABELS.gated}" (${status}).`,
    fix: `At ${tokensPage}, edit the token → Repositories → tick "${PERMISSION_LABELS.gated}"; ` +
      `accept the terms at ${page} if you have not.`,
  }),
  "gated-login-required": ({ gatedTarget, quote, page }) => ({
    reason: `${gatedTarget} is gated and the Hub received no usable token for it (401: ` +
      `"log in").${quote}`,
    fix: `Send a token (HF_TOKEN, login()) of an account that accepted the terms at ${page}` +
      `; a fine-grained token also needs "${PERMISSION_LABELS.gated}".`,
  }),
  "gated-model": ({ gatedTarget, status, quote, page }) => ({
    reason: `${gatedTarget} is gated and this account has not been granted access (${status}).` +
      quote,
    fix: `Open ${page}, accept the terms (or request access), then run again.`,
  }),
  "repo-not-found": ({ target, status, page }) => ({
    reason: `${target} was not found (${status}): it does not exist, or it is private and ` +
      `this token cannot see it (${NOT_YOUR_TOKEN} if the id is right and you are a member).`,
    fix: `Check the id at ${page}; for a private repo use a token of the owner or of a ` +
      "member of the owning org.",
  }),
  "expired-token": ({ tokensPage }) => ({
    reason: "The token has expired, so every call is refused (401).",
    fix: `${NEW_TOKEN_FIX(tokensPage)}.`,
  }),
  "oauth-token-not-accepted": ({ where, saidShort, tokensPage }) => ({
    reason: `${where} answered 401${saidShort} The token is a browser-login (OAuth) ` +
      "token, which this endpoint does not take (it handled the call as anonymous).",
    fix: `For this call use an access token (hf_…) created at ${tokensPage}: ` +
      "`inferenceClient({ token })` / `hubCredentials({ token })`, or set HF_TOKEN.",
  }),
  "repo-not-visible": ({ where, saidShort, target, page }) => ({
    reason: `${where} answered 401${saidShort} The token itself is valid (whoami accepts ` +
      `it), so ${target} does not exist, or it is private or gated and not visible to ` +
      "this token.",
    fix: `Check the id at ${page}; for a private repo use a token of a member of the ` +
      "owning org; for a gated one accept its terms there.",
  }),
  "invalid-token": ({ tokensPage }) => ({
    reason: "The token was rejected (401): it is invalid, revoked or expired.",
    fix: `${NEW_TOKEN_FIX(tokensPage)}; check that it was copied whole, without spaces.`,
  }),
  "missing-inference-permission": ({ tokensPage }) => ({
    reason: `This fine-grained token lacks the "${PERMISSION_LABELS.inference}" permission ` +
      `(${INFERENCE_PERMISSION_ID}), so the router refused it (403).`,
    fix: `At ${tokensPage}, edit the token → Inference → tick ` +
      `"${PERMISSION_LABELS.inference}" (or use a read token).`,
  }),
  "inference-forbidden": ({ target, saidShort }) => ({
    reason: `The router refused this token for ${target} (403)${saidShort}`,
    fix: `Use a user token with "${PERMISSION_LABELS.inference}" (a read token has it); ` +
      "app and org-scoped tokens cannot call Inference Providers.",
  }),
  "missing-repo-permission:write": ({ where, saidShort, tokensPage }) => ({
    reason: `${where} refused the write (403)${saidShort} This token has no write rights ` +
      "there (a read token, or a fine-grained token without that namespace).",
    fix: `At ${tokensPage}, use a write token, or give the fine-grained token write ` +
      `access to that namespace ("${PERMISSION_LABELS.repoWrite}" or the org's).`,
  }),
  "missing-repo-permission:read": ({ target, tokensPage }) => ({
    reason: `This fine-grained token has no read permission for ${target} (403).`,
    fix: `At ${tokensPage}, edit the token → Repositories → add ${target} or tick ` +
      `"${PERMISSION_LABELS.repoRead}" (or the matching org permission).`,
  }),
  forbidden: ({ where, target, saidShort, page }) => ({
    reason: `${where} refused access to ${target} (403)${saidShort}`,
    fix: `Check that this account may read ${page}.`,
  }),
  "action-quota": ({ where, saidShort, remaining, window }) => ({
    reason: `${where} refused the action (429): a per-action quota is used up${saidShort}` +
      (remaining !== undefined ? ` (the request limit still shows ${remaining} left)` : "") +
      ` (${NOT_YOUR_TOKEN})`,
    fix: `Wait for the quota window${window ? ` (one ${window})` : ""} before this action ` +
      "again, or batch the changes into fewer actions (one commit with many files).",
  }),
  "rate-limited": ({ policy, after, wait }) => ({
    reason: `Rate limited (429) by the Hub: too many requests from this account or IP` +
      `${policy}; ${after}.`,
    fix: `Wait${wait !== undefined ? ` ${wait} s` : " a few minutes"} and run again; a ` +
      "logged-in or PRO account gets higher Hub limits.",
  }),
  "provider-rate-limited": ({ provider, said, after, wait }) => ({
    reason: `Rate limited (429) by the Inference Providers router` +
      `${provider && provider !== "auto" ? ` / ${provider}` : ""}` +
      `${said ? ` (${shorten(said, 100)})` : ""}; ${after}. This is throttling, not the ` +
      `account's monthly credits (those give 402) (${NOT_YOUR_TOKEN}).`,
    fix: `Wait${wait !== undefined ? ` ${wait} s` : " a minute"} and run again, or use ` +
      "another provider.",
  }),
  "model-loading": ({ target, eta }) => ({
    reason: `${target} is loading (503)` +
      (eta !== undefined ? `; ready in about ${eta} s.` : "; it is not ready yet.") +
      ` (${NOT_YOUR_TOKEN})`,
    fix: `Retry${eta !== undefined ? ` in ${eta} s` : " shortly"}; the InferenceClient ` +
      "retries 503 by itself unless retry_on_error is false.",
  }),
  "unexpected-response:html": ({ where, status }) => ({
    reason: `${where} answered ${
      status !== undefined ? `${status} with ` : ""
    }an HTML page instead of JSON — a proxy, captive portal or error page is in the way.`,
    fix: "Check proxy settings and HF_ENDPOINT / HF_INFERENCE_ENDPOINT; open the URL in a " +
      "browser to see the page.",
  }),
  "server-error": ({ where, status, said }) => ({
    reason: `${where} answered ${status}` +
      (said ? ` (${shorten(said, 100)})` : "") +
      ` — a server-side problem (${NOT_YOUR_TOKEN}).`,
    fix: "Retry in a few minutes; see https://status.huggingface.co.",
  }),
  "invalid-request": ({ where, target, status, said }) => ({
    reason: `${where} rejected the request for ${target} (${status})` +
      `${said ? `: ${shorten(said)}` : "."} (${NOT_YOUR_TOKEN})`,
    fix: "Check the task and parameters for this model (the message above names the " +
      "field); if they are right, this model does not take that input — pick another model.",
  }),
  "unexpected-response:json": ({ where, message }) => ({
    reason: `${where} sent a response that is not valid JSON (cut off or garbled)` +
      (message ? `: ${shorten(message, 100)}` : "."),
    fix: "Retry; if it persists a proxy may be truncating responses.",
  }),
  "unexpected-response:shape": ({ where, message }) => ({
    reason: `${where} answered with an unexpected shape: ${shorten(message, 140)}`,
    fix: "Retry later; if it persists the provider may have changed its API — report it.",
  }),
  "unknown:status": ({ where, status, detail }) => ({
    reason: `${where} answered ${status}` + (detail ? `: ${shorten(detail)}` : "."),
    fix: "Read the reason above; check the model id and parameters.",
  }),
  "not-hf-prefix": ({ tokensPage }) => ({
    reason: 'The token does not start with "hf_", so it was not sent.',
    fix: `Copy a token that starts with "hf_" from ${tokensPage}.`,
  }),
  "offline-mode": () => ({
    reason: "HF_HUB_OFFLINE is set: no request was made.",
    fix: "Unset HF_HUB_OFFLINE (or set it to 0) and run again.",
  }),
  unknown: ({ message }) => ({
    reason: message ? `Failed: ${shorten(message, 200)}` : "Failed for an unknown reason.",
    fix: "Run again; if it persists, report it with the reason above.",
  }),
};

/** The reason and fix for a wording key (`code` or `code:variant`). */
export function wordFailure(key: string, words: Words): { reason: string; fix: string } {
  return (WORDING[key] ?? WORDING[key.split(":")[0]] ?? WORDING.unknown)(words);
}

/** Ends `text` with exactly one period. */
function sentence(text: string): string {
  return text.replace(/[\s.!?…]+$/u, "") + ".";
}

/** What whoami says for a diagnosed failure: its own sentence for each class, keyed by code. */
export function whoamiReason(
  d: FailureDiagnosis,
  facts: {
    host: string;
    status?: number;
    detail?: string;
    knownExpiry?: string;
    timeoutMs: number;
    html: boolean;
    bodyBytes: number;
    waitHeader?: string;
  },
): string {
  const { host, status } = facts;
  const detail = facts.detail ?? `HTTP ${status}`;
  switch (d.code) {
    case "invalid-token":
      return `${sentence(`The Hub answered ${status}: ${detail}`)} The token was revoked, has ` +
        `expired, or was mistyped.`;
    case "expired-token":
      return `The token expired${
        facts.knownExpiry ? ` on ${facts.knownExpiry.slice(0, 10)}` : ""
      }: the Hub answered ${status} (${detail.replace(/[.!?]+$/, "")}).`;
    case "rate-limited":
    case "action-quota":
    case "provider-rate-limited":
      return `The Hub answered 429 Too Many Requests` +
        (d.waitSeconds !== undefined ? ` (${facts.waitHeader}: ${d.waitSeconds} s)` : "") + ".";
    case "timeout":
      return `No answer from ${host} within ${facts.timeoutMs / 1000} s (timeout).`;
    case "offline":
      return d.network === "dns"
        ? `Could not resolve the host name ${host} (DNS).`
        : `Connection to ${host} refused (nothing listening).`;
    case "connection-failed":
      return d.network === "tls"
        ? `The TLS connection to ${host} failed.`
        : d.network === "reset" || d.network === undefined
        ? `The connection to ${host} was reset ${
          status !== undefined
            ? `while the answer (status ${status}) was being read`
            : "before any answer"
        }.`
        : `The request to ${host} failed (network error).`;
    case "unexpected-response":
      if (facts.html) {
        return `${host} answered ${status} with an HTML ${
          status !== undefined && status >= 400 ? "error page" : "page"
        } instead of JSON.`;
      }
      return d.reason.includes("not valid JSON")
        ? `The Hub's answer from ${host} was truncated: invalid JSON after ${facts.bodyBytes} bytes.`
        : `The answer from ${host} is not a whoami-v2 answer (malformed response).`;
    case "server-error":
      return sentence(
        `The Hub at ${host} answered ${status} ` +
          `(${
            status !== undefined && status >= 500 ? "server error" : "not an answer whoami-v2 gives"
          }): ${detail}`,
      );
    default:
      return d.reason;
  }
}
