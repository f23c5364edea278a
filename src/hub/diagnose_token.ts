/**
 * Turns what a validation learned into findings with fixes: a missing
 * Inference Providers permission, a read token where pushing is needed, an
 * expiry date coming up, a legacy variable name, a shadowed token, and every
 * way the check itself can fail. Pure: no I/O, no clock (dates are compared with
 * `checkedAt`).
 *
 * @module
 */

import type { Resolution, TokenWarning } from "../resolve/resolution.ts";
import type { Diagnostic, Failure, Severity, ValidationData } from "./types.ts";
import { daysUntil } from "../_days.ts";

// Moved to src/_days.ts so the validation card renderer can use it without importing this
// layer; re-exported here for the callers that found it here.
export { daysUntil };

/**
 * The permission id behind "Make calls to Inference Providers".
 *
 * @example Usage
 * ```ts
 * import { INFERENCE_PERMISSION } from "@hf-notebook/auth/diagnose";
 * import assert from "node:assert/strict";
 *
 * assert.equal(INFERENCE_PERMISSION, "inference.serverless.write");
 * ```
 */
export const INFERENCE_PERMISSION = "inference.serverless.write";

/**
 * Where tokens are created and edited.
 *
 * @example Usage
 * ```ts
 * import { TOKENS_PAGE } from "@hf-notebook/auth/diagnose";
 * import assert from "node:assert/strict";
 *
 * assert.equal(TOKENS_PAGE, "https://huggingface.co/settings/tokens");
 * ```
 */
export const TOKENS_PAGE = "https://huggingface.co/settings/tokens";

const SOON_DAYS = 7;

/** What {@linkcode diagnoseToken} needs: a validation's data, with or without diagnostics. */
export type DiagnoseInput = Omit<ValidationData, "diagnostics"> & { diagnostics?: Diagnostic[] };

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * Whether a validated token may call Inference Providers: read, write and app
 * tokens may; a fine-grained token only with `inference.serverless.write`.
 * `undefined` when the Hub did not answer.
 *
 * @example Usage
 * ```ts
 * import { canCallInferenceProviders } from "@hf-notebook/auth/diagnose";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   canCallInferenceProviders({ token: { role: "fineGrained", permissions: [] } }),
 *   false,
 * );
 * assert.deepEqual(canCallInferenceProviders({ token: { role: "read", permissions: [] } }), true);
 * ```
 *
 * @param data A validation (only `token` is read).
 * @returns `true`, `false`, or `undefined` when unknown.
 */
export function canCallInferenceProviders(
  data: Pick<ValidationData, "token">,
): boolean | undefined {
  const token = data.token;
  if (!token) return undefined;
  if (token.role !== "fineGrained") return true;
  return token.permissions.some((g) => g.permissions.includes(INFERENCE_PERMISSION));
}

function date(iso: string | undefined): string {
  if (!iso) return "an unknown date";
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().slice(0, 10);
}

function where(source: string | undefined): string {
  return source ?? "the place the token came from";
}

function failureDiagnostic(data: DiagnoseInput, f: Failure): Diagnostic {
  const host = f.host ?? new URL(data.hubUrl).host;
  const detail = f.detail ? ` (${f.detail})` : "";
  const src = where(data.source);
  const shadow = data.warnings.find((w) => w.code === "shadowed-token");
  const login = data.browserLogin;
  if ((f.code === "invalid-token" || f.code === "expired-token") && login) {
    // A browser login is not fixed by creating a token: it is fixed by logging in again.
    return {
      code: "browser-login-expired",
      severity: "error",
      message: `Your browser login expired or was revoked: log in again. The Hub at ${host} ` +
        `rejected the OAuth token "${login.name}" from ${src} (401)` +
        (login.refresh === "revoked"
          ? "; renewing it failed too (invalid_grant)."
          : login.renews
          ? "."
          : "; it has no refresh token, so it cannot renew itself."),
      fix: "Run `await login()` in the notebook, or `deno task hf login` / `hf auth login` in a " +
        "terminal.",
    };
  }
  switch (f.code) {
    case "invalid-token":
    case "oauth-token-not-accepted":
      return {
        code: f.code,
        severity: "error",
        message: `The Hub at ${host} rejected the token from ${src} with 401${detail}: ` +
          `it was revoked, mistyped, or is not a Hugging Face token.`,
        fix: shadow
          ? `${src} shadows another saved token: unset or update it so the right token is used, ` +
            `or paste a fresh token from ${TOKENS_PAGE}.`
          : `Create a new token at ${TOKENS_PAGE} and put it in ${src} (or log in again).`,
      };
    case "expired-token":
      return {
        code: f.code,
        severity: "error",
        message: `The token from ${src} expired on ${date(data.token?.expiresAt)}` +
          `, so the Hub refuses it (401).`,
        fix: `Create a new token at ${TOKENS_PAGE} (pick a later expiration or none) and put it ` +
          `in ${src}.`,
      };
    case "not-hf-prefix":
      return {
        code: f.code,
        severity: "error",
        message: `The value from ${src} does not start with "hf_", so it is not a Hugging Face ` +
          `access token and was not sent to the Hub.`,
        fix: `Copy a token that starts with "hf_" from ${TOKENS_PAGE} into ${src} ` +
          `(another service's API key pasted by mistake is a common cause).`,
      };
    case "offline-mode":
      return {
        code: f.code,
        severity: "info",
        message: "HF_HUB_OFFLINE is set, so the token was not checked with the Hub.",
        fix: "Unset HF_HUB_OFFLINE (or set it to 0) and check again.",
      };
    case "rate-limited":
    case "action-quota":
    case "provider-rate-limited": {
      const wait = f.retryAfterSeconds !== undefined ? `${f.retryAfterSeconds} s` : "a minute";
      return {
        code: f.code,
        severity: "warning",
        message: `The Hub at ${host} answered 429 Too Many Requests` +
          (f.retryAfterSeconds !== undefined ? ` (Retry-After: ${f.retryAfterSeconds} s)` : "") +
          `, so the token could not be checked yet.`,
        fix: `Wait ${wait}, then check again; the token itself was not judged.`,
      };
    }
    case "unexpected-response":
    case "response-too-large":
      return {
        code: f.code,
        severity: "error",
        message: `The answer from ${host} is not a whoami answer${detail}: an outage page, ` +
          `a proxy or captive portal, or an answer cut off.`,
        fix: "If HF_ENDPOINT points at a mirror or proxy, check it (or unset it to use " +
          "https://huggingface.co); otherwise retry later (https://status.huggingface.co).",
      };
    case "timeout":
      return {
        code: f.code,
        severity: "error",
        message: `No answer from ${host} in time${detail}.`,
        fix: "Check your network or proxy (HTTPS_PROXY), then retry; pass a larger timeoutMs " +
          "if the connection is just slow.",
      };
    case "offline":
      return f.network === "dns"
        ? {
          code: f.code,
          severity: "error",
          message: `The host name ${host} could not be resolved (DNS).`,
          fix: "Check the internet connection and HF_ENDPOINT; on an offline machine set " +
            "HF_HUB_OFFLINE=1.",
        }
        : {
          code: f.code,
          severity: "error",
          message: `The connection to ${host} was refused: nothing is listening there.`,
          fix: `Check HF_ENDPOINT (now ${data.hubUrl}): unset it to use https://huggingface.co, ` +
            `or start the server it points to.`,
        };
    case "connection-failed":
      return f.network === "tls"
        ? {
          code: f.code,
          severity: "error",
          message: `The secure connection to ${host} failed${detail}.`,
          fix: "A proxy may be intercepting HTTPS: install its certificate (DENO_CERT) or use " +
            "a network without it.",
        }
        : {
          code: f.code,
          severity: "error",
          message: `The connection to ${host} was closed before the answer was complete${detail}.`,
          fix: "Check again; if it keeps happening, check proxies, VPNs " +
            "or firewalls on the way.",
        };
    case "server-error":
    default:
      return {
        code: f.code,
        severity: "error",
        message: `The Hub at ${host} answered ${data.status ?? "an error"}${detail}, ` +
          `so the token could not be checked.`,
        fix: "This is on the server's side: check again in a few minutes " +
          "and see https://status.huggingface.co.",
      };
  }
}

function warningDiagnostic(w: TokenWarning): Diagnostic {
  switch (w.code) {
    case "legacy-env-alias":
      return {
        code: w.code,
        severity: "warning",
        message: w.message,
        fix: w.fix ??
          "Rename the variable to HF_TOKEN, the name every Hugging Face library reads.",
      };
    case "shadowed-token":
      return {
        code: w.code,
        severity: "warning",
        message: w.message,
        fix: w.fix ??
          `Unset ${w.source} or make it hold the same token, so it is clear which one is used.`,
      };
    case "not-hf-prefix":
      return {
        code: w.code,
        severity: "error",
        message: w.message,
        fix: w.fix ?? `Copy a token that starts with "hf_" from ${TOKENS_PAGE}.`,
      };
    case "world-readable":
      return {
        code: w.code,
        severity: "warning",
        message: w.message,
        fix: w.fix ?? "Run chmod 600 on the file so only you can read it.",
      };
    case "browser-login-expired":
    case "browser-login-refresh-failed":
      return {
        code: w.code,
        severity: w.code === "browser-login-expired" ? "error" : "warning",
        message: w.message,
        fix: w.fix ?? "Run `await login()` in the notebook, or `hf auth login` in a terminal.",
      };
    default:
      return {
        code: w.code,
        severity: "info",
        message: w.message,
        fix: w.fix ?? "No action needed.",
      };
  }
}

function tokenDiagnostics(data: DiagnoseInput): Diagnostic[] {
  const out: Diagnostic[] = [];
  const token = data.token;
  const identity = data.identity;
  if (!token) return out;
  const name = token.displayName ? ` ("${token.displayName}")` : "";

  if (data.verdict === "valid" && token.expiresAt) {
    const days = daysUntil(token.expiresAt, data.checkedAt);
    if (days !== undefined && days < 0) {
      out.push({
        code: "expired-token",
        severity: "error",
        message: `The token${name} expired on ${date(token.expiresAt)}.`,
        fix: `Create a new token at ${TOKENS_PAGE} and put it in ${where(data.source)}.`,
      });
    } else if (days !== undefined && days <= SOON_DAYS) {
      out.push({
        code: "expires-soon",
        severity: "warning",
        message: `The token${name} expires in ${days} day${days === 1 ? "" : "s"} (on ${
          date(token.expiresAt)
        }).`,
        fix: `Create a replacement at ${TOKENS_PAGE} before then and put it in ${
          where(data.source)
        }.`,
      });
    }
  }

  if (token.role === "fineGrained") {
    if (canCallInferenceProviders(data) === false) {
      out.push({
        code: "missing-inference-permission",
        severity: "warning",
        message: `This fine-grained token${name} lacks the "Make calls to Inference Providers" ` +
          `permission (${INFERENCE_PERMISSION}), so every Inference Providers call will fail ` +
          `with 403.`,
        fix: `At ${TOKENS_PAGE}, edit this token → "Inference" section → tick "Make calls to ` +
          `Inference Providers" → save; no need for a new or "Read" token.`,
      });
    }
    const scopes = token.permissions.filter((g) => g.scope !== "global");
    const userScoped = scopes.some((g) => g.scope.startsWith("user:"));
    const orgs = scopes.filter((g) => g.scope.startsWith("org:")).map((g) => g.scope.slice(4));
    const repoScoped = scopes.some((g) => !g.scope.startsWith("org:"));
    if (identity?.kind === "user" && orgs.length > 0 && !userScoped && !repoScoped) {
      out.push({
        code: "org-scoped-only",
        severity: "info",
        message: `This fine-grained token only has permissions on ${
          orgs.map((o) => `org ${o}`).join(", ")
        }: repos under your own account (${identity.name}/…) are not accessible with it.`,
        fix: `If you need your own repos, edit the token at ${TOKENS_PAGE} → "Repositories ` +
          `permissions" and add your user namespace.`,
      });
    }
    if (token.canReadGatedRepos === false) {
      out.push({
        code: "gated-repos-unreadable",
        severity: "info",
        message: "This fine-grained token cannot read gated repos, even those you have been " +
          "granted access to.",
        fix: `If you need gated models, edit the token at ${TOKENS_PAGE} and tick "Read access ` +
          `to contents of all public gated repos you can access".`,
      });
    }
  } else if (token.role === "read") {
    out.push({
      code: "read-token-cannot-write",
      severity: "info",
      message: `This is a read token${name}: it can download and call Inference Providers, ` +
        `but read tokens cannot push, create repos or comment.`,
      fix: `To push, create a "Write" or fine-grained token with write access at ${TOKENS_PAGE}.`,
    });
  }

  const isApp = identity?.kind === "app" || (token.authType?.startsWith("app_token") ?? false);
  if (isApp) {
    const scope = token.appScope;
    out.push({
      code: "app-token",
      severity: "info",
      message: `This is an app (OAuth) token${identity ? ` for ${identity.name}` : ""}: it can ` +
        `only do what the app was granted${
          scope ? ` (${scope.role ?? "?"} on ${scope.entities.join(", ") || "no entities"})` : ""
        }.`,
      fix: `For your own notebook work, use a personal access token from ${TOKENS_PAGE}.`,
    });
  } else if (identity?.kind === "org") {
    out.push({
      code: "org-token",
      severity: "info",
      message: `This token belongs to the organisation ${identity.name}, not to a user: ` +
        `user features (personal repos, PRO quota, settings) are unavailable.`,
      fix: `Use a personal (fine-grained) token scoped to the organisation, from ${TOKENS_PAGE}.`,
    });
  }
  return out;
}

/**
 * Findings about a token, most severe first: why a check failed, missing
 * permissions, expiry, and the resolution warnings (legacy variable names,
 * shadowed tokens, …), each with a one-sentence fix. Pure and deterministic:
 * "now" is `data.checkedAt`.
 *
 * @example A fine-grained token without the inference permission
 * ```ts
 * import { diagnoseToken } from "@hf-notebook/auth/diagnose";
 * import assert from "node:assert/strict";
 *
 * const found = diagnoseToken({
 *   verdict: "valid",
 *   reason: "The Hub accepted the token.",
 *   masked: "hf_sa…ice",
 *   identity: { kind: "user", name: "alice", orgs: [] },
 *   token: {
 *     role: "fineGrained",
 *     permissions: [{ scope: "global", permissions: ["repo.content.read"] }],
 *   },
 *   warnings: [],
 *   hubUrl: "https://huggingface.co",
 *   checkedAt: "2030-01-01T00:00:00Z",
 * });
 * assert.deepEqual(found.map((d) => d.code), ["missing-inference-permission"]);
 * ```
 *
 * @param data What the validation learned (`diagnostics` are ignored and recomputed).
 * @param resolution The resolution, if its warnings are not already in `data.warnings`.
 * @returns Diagnostics sorted error → warning → info.
 */
export function diagnoseToken(data: DiagnoseInput, resolution?: Resolution): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (data.failure) out.push(failureDiagnostic(data, data.failure));
  out.push(...tokenDiagnostics(data));
  const warnings = [...data.warnings, ...(resolution?.warnings ?? [])];
  for (const w of warnings) {
    const d = warningDiagnostic(w);
    if (!out.some((o) => o.code === d.code)) out.push(d);
  }
  return out
    .map((d, i) => ({ d, i }))
    .sort((a, b) => RANK[a.d.severity] - RANK[b.d.severity] || a.i - b.i)
    .map(({ d }) => d);
}
