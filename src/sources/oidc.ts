/**
 * Trusted Publishers (OIDC) for CI, as huggingface_hub ≥ 1.20 does it
 * (`_oidc.py`, `utils/_auth.py::_get_token_from_oidc`): when
 * `HF_OIDC_RESOURCE` is set, a CI job's OIDC id token is exchanged (RFC 8693)
 * for a short-lived Hugging Face token scoped to that resource.
 *
 * - The id token is `HF_OIDC_ID_TOKEN` if set (any CI provider), else minted
 *   from GitHub Actions (`GITHUB_ACTIONS=true`): `GET
 *   $ACTIONS_ID_TOKEN_REQUEST_URL` with `audience=<hub URL>` and
 *   `Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN` → `{"value": jwt}`.
 *   The GitHub request token goes only to that URL; no Hugging Face token is
 *   ever sent there.
 * - The exchange: `POST {hub}/oauth/token` with the JSON body
 *   `{grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
 *   subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
 *   subject_token, resource}` → `{access_token, token_type, expires_in}`.
 * - Any failure is an {@link OidcError}, never a fall-through.
 *
 * @module
 */

import { type EnvLike, envNonEmpty, hubBaseUrl } from "../_env.ts";
import { OidcError } from "../errors.ts";
import { JSON_BODY_LIMIT, redirectText } from "../_body.ts";
import { type JsonAnswer, readJsonAnswer } from "../_json.ts";
import { shorten } from "../_text.ts";
import { serverTokenProblem, tokenLifetime } from "../_token_chars.ts";

/**
 * The RFC 8693 grant (huggingface_hub `_TOKEN_EXCHANGE_GRANT_TYPE`).
 *
 * @example Usage
 * ```ts
 * import { TOKEN_EXCHANGE_GRANT_TYPE } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * assert.equal(TOKEN_EXCHANGE_GRANT_TYPE, "urn:ietf:params:oauth:grant-type:token-exchange");
 * ```
 */
export const TOKEN_EXCHANGE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
/**
 * The subject token type (huggingface_hub `_ID_TOKEN_TYPE`).
 *
 * @example Usage
 * ```ts
 * import { ID_TOKEN_TYPE } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ID_TOKEN_TYPE, "urn:ietf:params:oauth:token-type:id_token");
 * ```
 */
export const ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";

/** Options of {@linkcode oidcExchange}. */
export interface OidcOptions {
  /** Hub base URL (also the id token's audience). Default `HF_ENDPOINT`, else huggingface.co. */
  hubUrl?: string;
  /** fetch to use (both requests). Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Cancels the requests. */
  signal?: AbortSignal;
  /** Where `HF_OIDC_*`, `GITHUB_ACTIONS` and `ACTIONS_ID_TOKEN_REQUEST_*` are read. Default `Deno.env`. */
  env?: EnvLike;
  /** Per-request timeout, ms. Default 10 s. */
  timeoutMs?: number;
}

/** What the exchange gave. */
export interface OidcToken {
  /** The short-lived Hugging Face token. */
  token: string;
  /** The resource it is scoped to (`HF_OIDC_RESOURCE`). */
  resource: string;
  /** Its lifetime, seconds (`expires_in`, default 3600 as huggingface_hub). */
  expiresIn: number;
  /** Whether the id token was minted here (GitHub) rather than given (`HF_OIDC_ID_TOKEN`). */
  minted: boolean;
}

function signalFor(options: OidcOptions): AbortSignal {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  return options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
}

/**
 * A redirect is never followed (the requests carry the GitHub request token or the id
 * token) and an answer past the cap is never parsed: each is a specific error.
 */
async function readAnswer(
  response: Response,
  where: string,
  secrets: (string | undefined)[],
): Promise<JsonAnswer> {
  const redirect = redirectText(response);
  if (redirect !== undefined) {
    response.body?.cancel().catch(() => {});
    throw new OidcError(
      "redirect",
      `${where} answered a redirect (${shorten(redirect, 200, secrets)}): refused, because ` +
        "the request carries a secret (an id token or GitHub's request token) that must not go " +
        "to another address. Check HF_ENDPOINT / ACTIONS_ID_TOKEN_REQUEST_URL.",
    );
  }
  const body = await readJsonAnswer(response, JSON_BODY_LIMIT);
  if (!body.ok && body.kind === "too-large") {
    throw new OidcError(
      "too-large",
      `${where} sent ${body.why}; nothing of it is used. Retry the job; if it persists, check ` +
        "HF_ENDPOINT and any proxy in between.",
    );
  }
  return body;
}

/** Mints a GitHub Actions id token for `audience` (huggingface_hub `_get_github_oidc_token`). */
async function githubIdToken(audience: string, options: OidcOptions): Promise<string> {
  const requestUrl = envNonEmpty(options.env, "ACTIONS_ID_TOKEN_REQUEST_URL");
  const requestToken = envNonEmpty(options.env, "ACTIONS_ID_TOKEN_REQUEST_TOKEN");
  if (!requestUrl || !requestToken) {
    throw new OidcError(
      "github-permissions",
      "HF_OIDC_RESOURCE is set but the OIDC id token cannot be requested from GitHub Actions: " +
        "ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set. Give the job " +
        "`permissions: id-token: write` (see https://docs.github.com/en/actions/deployment/" +
        "security-hardening-your-deployments/about-security-hardening-with-openid-connect).",
    );
  }
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    throw new OidcError(
      "github-permissions",
      "ACTIONS_ID_TOKEN_REQUEST_URL is not a URL. It is set by the GitHub runner: do not set it by hand.",
    );
  }
  url.searchParams.set("audience", audience);
  let response: Response;
  try {
    response = await (options.fetch ?? globalThis.fetch)(url, {
      // Only the GitHub request token goes here: never a Hugging Face token.
      headers: { authorization: `Bearer ${requestToken}`, accept: "application/json" },
      signal: signalFor(options),
      redirect: "manual",
    });
  } catch (error) {
    throw new OidcError(
      "network",
      `Could not reach GitHub's id-token service (${url.origin}) for the OIDC exchange: ` +
        `${error instanceof Error ? error.name : "network error"}. Retry the job.`,
      { cause: error },
    );
  }
  const answer = await readAnswer(response, `GitHub's id-token service (${url.origin})`, [
    requestToken,
  ]);
  const body = answer.ok ? answer.value : undefined;
  if (!response.ok || typeof body?.value !== "string" || !body.value) {
    throw new OidcError(
      response.ok ? "bad-response" : "github-refused",
      `GitHub's id-token service (${url.origin}) answered HTTP ${response.status}` +
        `${response.ok ? " without an id token" : ""}. Check that the job has ` +
        "`permissions: id-token: write`.",
    );
  }
  return body.value;
}

/**
 * Gets a Hugging Face token through the Trusted Publishers OIDC exchange.
 * Returns `undefined` when `HF_OIDC_RESOURCE` is not set.
 *
 * @example Usage
 * ```ts
 * import { oidcExchange } from "@hf-notebook/auth/sources";
 * import { startSandbox } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * await using hub = startSandbox({ quiet: true });
 * const env = { HF_OIDC_RESOURCE: "sandbox-alice/ci-model", ...hub.github.env };
 * const got = await oidcExchange({ env, hubUrl: hub.url });
 * assert.match(got!.token, /^hf_jwt_sandbox_/);
 * assert.equal(got!.expiresIn, 3600);
 * assert.equal(await oidcExchange({ env: {} }), undefined);
 * ```
 *
 * @param options Environment, hub, fetch, signal.
 * @returns The token, or `undefined` without `HF_OIDC_RESOURCE`.
 * @throws {OidcError} when OIDC is asked for and fails.
 */
export async function oidcExchange(options: OidcOptions = {}): Promise<OidcToken | undefined> {
  const resource = envNonEmpty(options.env, "HF_OIDC_RESOURCE")?.trim();
  if (!resource) return undefined;
  const hub = hubBaseUrl(options);
  const given = envNonEmpty(options.env, "HF_OIDC_ID_TOKEN")?.trim();
  if (!given && envNonEmpty(options.env, "GITHUB_ACTIONS") !== "true") {
    throw new OidcError(
      "no-id-token",
      "HF_OIDC_RESOURCE is set but no OIDC id token is available: not running in a supported " +
        "CI provider (GitHub Actions) and HF_OIDC_ID_TOKEN is not set. Set HF_OIDC_ID_TOKEN to " +
        "the id token minted by your CI provider (audience: the Hub URL), or unset HF_OIDC_RESOURCE.",
    );
  }
  const subject = given ?? await githubIdToken(hub, options);
  const url = `${hub}/oauth/token`;
  let response: Response;
  try {
    response = await (options.fetch ?? globalThis.fetch)(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({
        grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
        subject_token_type: ID_TOKEN_TYPE,
        subject_token: subject,
        resource,
      }),
      signal: signalFor(options),
      redirect: "manual",
    });
  } catch (error) {
    throw new OidcError(
      "network",
      `Could not reach ${url} for the OIDC token exchange (HF_OIDC_RESOURCE=${resource}): ` +
        `${error instanceof Error ? error.name : "network error"}. Check HF_ENDPOINT and retry.`,
      { cause: error },
    );
  }
  const secrets = [subject, envNonEmpty(options.env, "ACTIONS_ID_TOKEN_REQUEST_TOKEN")];
  const answer = await readAnswer(response, `The OIDC token exchange at ${url}`, secrets);
  const body = answer.ok ? answer.value : undefined;
  if (response.ok && typeof body?.access_token === "string" && body.access_token.trim()) {
    const token = body.access_token.trim();
    // Checked as a pasted token is: a server's token with a newline or a control is refused.
    const problem = serverTokenProblem(token);
    if (problem) {
      throw new OidcError(
        "bad-token",
        `The OIDC token exchange at ${url} answered an access_token that cannot be a token: ` +
          `${problem}. Check HF_ENDPOINT (a proxy in the way?).`,
      );
    }
    // An impossible lifetime (1e300, negative) is unknown: huggingface_hub's 3600 s is used.
    const expiresIn = tokenLifetime(body.expires_in) ?? 3600;
    return { token, resource, expiresIn, minted: !given };
  }
  if (typeof body?.access_token === "string") secrets.push(body.access_token);
  if (response.status >= 500) {
    throw new OidcError(
      "server",
      `The OIDC token exchange at ${url} answered HTTP ${response.status}. The Hub is having ` +
        "trouble: retry the job later.",
    );
  }
  const oauthError = typeof body?.error === "string" ? shorten(body.error, 64, secrets) : undefined;
  // A server's words are masked (every secret of the exchange) before they are cut.
  const description = typeof body?.error_description === "string"
    ? `: ${shorten(body.error_description, 200, secrets)}`
    : "";
  throw new OidcError(
    oauthError ? "exchange-refused" : "bad-response",
    oauthError
      ? `The Hub refused the OIDC token exchange for ${resource} (HTTP ${response.status}, ` +
        `${oauthError}${description}). Check the Trusted Publisher settings of ${resource} on ` +
        `the Hub (repository, workflow, environment) and that the id token's audience is ${hub}.`
      : `The OIDC token exchange at ${url} answered HTTP ${response.status} ` +
        `${answer.ok ? "without an access_token" : `with ${answer.why}`}. Check HF_ENDPOINT.`,
    oauthError ? { oauthError } : undefined,
  );
}
