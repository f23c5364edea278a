/**
 * The OAuth refresh request (RFC 6749 §6), exactly as huggingface_hub's
 * `refresh_access_token` sends it (`utils/_oauth_device.py`): `POST
 * {hub}/oauth/token`, form `grant_type=refresh_token`, `refresh_token`,
 * `client_id`. Protocol only: no files, no display.
 *
 * @module
 */

import type { EnvLike } from "../_env.ts";
import { hubBaseUrl } from "../_env.ts";
import { JSON_BODY_LIMIT, redirectText } from "../_body.ts";
import { readJsonAnswer } from "../_json.ts";
import { deviceClientId } from "../_oauth_client.ts";
import { shorten } from "../_text.ts";
import { serverTokenProblem, tokenLifetime } from "../_token_chars.ts";
import { DeviceCodeError } from "../errors.ts";

/** Options of {@linkcode refreshAccessToken}. */
export interface RefreshRequestOptions {
  /** Hub base URL. Default: `HF_ENDPOINT`, else `https://huggingface.co`. */
  hubUrl?: string;
  /** fetch to use. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Cancels the request. */
  signal?: AbortSignal;
  /** Where `HF_ENDPOINT` and `HF_DEVICE_CODE_OAUTH_CLIENT_ID` are read. Default `Deno.env`. */
  env?: EnvLike;
  /** Client id (wins over the environment; default huggingface_hub's public client). */
  clientId?: string;
  /** Give up after this long (default 10 s, huggingface_hub's HF_HUB_DOWNLOAD_TIMEOUT). */
  timeoutMs?: number;
  /**
   * The current access token (and any other secret of the session): masked, with the
   * refresh token, in every message built from the server's words.
   */
  accessToken?: string;
}

/** A successful refresh answer. */
export interface RefreshedToken {
  /** The new access token. */
  accessToken: string;
  /** The rotated refresh token, when the server sent one (else keep the old one). */
  refreshToken?: string;
  /** Lifetime of the new access token, seconds, when the server said. */
  expiresIn?: number;
}

/**
 * Exchanges a refresh token for a new access token.
 *
 * @param refreshToken The stored refresh token (a secret: it goes only to `{hub}/oauth/token`).
 * @param options Hub, fetch, signal, client id.
 * @returns The new token, the rotated refresh token if any, and its lifetime.
 * @throws {DeviceCodeError} `code` is the OAuth `error` (`invalid_grant`: expired or revoked,
 *   log in again), `network` (no answer), `cancelled`, `server` (5xx without an OAuth error) or
 *   `bad-response` (not JSON, or no `access_token`).
 */
export async function refreshAccessToken(
  refreshToken: string,
  options: RefreshRequestOptions = {},
): Promise<RefreshedToken> {
  const hub = hubBaseUrl(options);
  const url = `${hub}/oauth/token`;
  const clientId = options.clientId ?? deviceClientId(options.env);
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await (options.fetch ?? globalThis.fetch)(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: refreshToken,
        client_id: clientId,
      }),
      signal,
      redirect: "manual", // the refresh token must not follow a redirect to another origin
    });
  } catch (error) {
    const why = timeout.aborted
      ? `no answer within ${(options.timeoutMs ?? 10_000) / 1000} s`
      : options.signal?.aborted
      ? "cancelled"
      : `network error (${error instanceof Error ? error.name : "unknown"})`;
    throw new DeviceCodeError(
      options.signal?.aborted ? "cancelled" : "network",
      `Could not refresh the browser login at ${url}: ${why}. The current token is kept; ` +
        `the refresh is tried again in 5 minutes.`,
      { cause: error },
    );
  }
  const secrets: (string | undefined)[] = [refreshToken, options.accessToken];
  const redirect = redirectText(response);
  if (redirect !== undefined) {
    response.body?.cancel().catch(() => {});
    throw new DeviceCodeError(
      "redirect",
      `Could not refresh the browser login: ${url} answered a redirect (${
        shorten(redirect, 200, secrets)
      }), refused because the request carries the refresh token. Check HF_ENDPOINT (now ` +
        `${hub}); the current token is kept.`,
    );
  }
  const answer = await readJsonAnswer(response, JSON_BODY_LIMIT);
  if (!answer.ok && answer.kind === "too-large") {
    throw new DeviceCodeError(
      "too-large",
      `Could not refresh the browser login: ${url} sent ${answer.why}. The current token is ` +
        `kept; the refresh is tried again in 5 minutes.`,
    );
  }
  const body = answer.ok ? answer.value : undefined;
  for (const field of ["access_token", "refresh_token"]) {
    if (typeof body?.[field] === "string") secrets.push(body[field] as string);
  }
  const error = typeof body?.error === "string" ? shorten(body.error, 64, secrets) : undefined;
  if (response.ok && typeof body?.access_token === "string" && body.access_token.trim()) {
    const accessToken = body.access_token.trim();
    const rotated = typeof body.refresh_token === "string" && body.refresh_token.trim()
      ? body.refresh_token.trim()
      : undefined;
    // Checked as a pasted token is, before anything is written: a newline in either would
    // inject a section into stored_tokens and a second line into the token file.
    for (const [field, value] of [["access_token", accessToken], ["refresh_token", rotated]]) {
      const problem = value === undefined ? undefined : serverTokenProblem(value);
      if (problem) {
        throw new DeviceCodeError(
          "bad-token",
          `Could not refresh the browser login: ${url} answered a ${field} that cannot be a ` +
            `token: ${problem}. Nothing was written; the current token is kept. Check ` +
            `HF_ENDPOINT (now ${hub}).`,
        );
      }
    }
    // An impossible lifetime (1e300, negative) is unknown, never a date that cannot be made.
    const expiresIn = tokenLifetime(body.expires_in);
    return {
      accessToken,
      ...(rotated ? { refreshToken: rotated } : {}),
      ...(expiresIn ? { expiresIn } : {}),
    };
  }
  if (error) {
    // A server's description is shown, but never a secret it might echo.
    const described = typeof body?.error_description === "string"
      ? ` (${shorten(body.error_description, 200, secrets)})`
      : "";
    throw new DeviceCodeError(
      error,
      error === "invalid_grant"
        ? `The Hub refused to renew the browser login: invalid_grant${described} — the login ` +
          `expired or was revoked. Log in again.`
        : `The Hub refused to renew the browser login: ${error}${described} (HTTP ${response.status}).`,
    );
  }
  if (response.status >= 500) {
    throw new DeviceCodeError(
      "server",
      `Could not refresh the browser login: ${url} answered HTTP ${response.status}. The current ` +
        `token is kept; the refresh is tried again in 5 minutes.`,
    );
  }
  throw new DeviceCodeError(
    "bad-response",
    `Could not refresh the browser login: ${url} answered HTTP ${response.status} with ` +
      `${answer.ok ? "JSON without an access_token" : answer.why}. Check HF_ENDPOINT ` +
      `(now ${hub}); the current token is kept.`,
  );
}
