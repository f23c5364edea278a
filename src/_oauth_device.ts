/**
 * The OAuth device-code grant (RFC 8628) against the Hub, as huggingface_hub's
 * `utils/_oauth_device.py` speaks it: `POST {hub}/oauth/device` with the
 * form-encoded `client_id`, then `POST {hub}/oauth/token` with
 * `grant_type=urn:ietf:params:oauth:grant-type:device_code` every `interval`
 * seconds until the person approves, denies, or the code expires.
 *
 * Pure protocol (internal): no display, no files. Every value from the server
 * is checked and bounded, so a broken or hostile answer gives a specific
 * error and polling always ends. The clock and `sleep` are injectable so tests
 * run without waiting real seconds.
 *
 * @module
 */

import { JSON_BODY_LIMIT, redirectText, tooLargeText } from "./_body.ts";
import type { EnvLike } from "./_env.ts";
import { readJsonAnswer } from "./_json.ts";
import { shorten } from "./_text.ts";
import { serverTokenProblem, tokenLifetime } from "./_token_chars.ts";
import { DeviceCodeError } from "./errors.ts";

export { DEFAULT_DEVICE_CLIENT_ID, DEVICE_CLIENT_ID_ENV, deviceClientId } from "./_oauth_client.ts";
import { DEVICE_CLIENT_ID_ENV, deviceClientId } from "./_oauth_client.ts";
import { abortableSleep } from "./_sleep.ts";
/** RFC 8628 §3.4 grant type. */
export const DEVICE_CODE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";

/** RFC 8628 §3.2: the polling interval when the server gives none. */
export const DEFAULT_INTERVAL_S = 5;
/** huggingface_hub's fallback lifetime of a device code when the server gives none. */
export const DEFAULT_EXPIRES_IN_S = 900;
/** Longest wait between two polls, whatever the server says (slow_down included). */
export const MAX_INTERVAL_S = 60;
/** Longest a login waits for the person, whatever the server says. */
export const MAX_EXPIRES_IN_S = 1800;
/** Per-request timeout. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

const MAX_FIELD = 2048;
const MAX_USER_CODE = 64;

/** Options of the protocol calls. */
export interface DeviceFlowOptions {
  /** Hub base URL, already resolved (no trailing slash). */
  hubUrl: string;
  /** fetch to use. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Cancels the request and the polling. */
  signal?: AbortSignal;
  /** Where `HF_DEVICE_CODE_OAUTH_CLIENT_ID` is read. Default `Deno.env`. */
  env?: EnvLike;
  /** Client id (wins over the environment). */
  clientId?: string;
  /** Clock in milliseconds (tests). Default `Date.now`. */
  now?: () => number;
  /** Waits `ms` or rejects when `signal` aborts (tests). Default: a timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Per-request timeout in milliseconds. Default 15 s. */
  requestTimeoutMs?: number;
  /**
   * Other secrets of the session (the current access and refresh tokens, id tokens): masked,
   * with the device code, in every message built from the server's words.
   */
  secrets?: readonly (string | undefined)[];
}

/** A device authorization, checked and bounded. */
export interface DeviceCodeInfo {
  /** Secret: identifies this login when polling. Never shown. */
  deviceCode: string;
  /** The short code the person confirms in the browser. */
  userCode: string;
  /** The page where the code is entered. */
  verificationUri: string;
  /** The page with the code filled in (`verificationUri` when the server gave none). */
  verificationUriComplete: string;
  /** Seconds between polls (bounded to 1…60). */
  interval: number;
  /** Seconds the code is valid (bounded to 1…1800). */
  expiresIn: number;
  /** When the code expires, on the `now()` clock (ms). */
  expiresAt: number;
  /** What was adjusted because the server's value was missing or out of bounds. */
  notes: string[];
}

/** The token endpoint's answer once the person approved. */
export interface DeviceTokenResponse {
  /** The OAuth access token (a secret). */
  accessToken: string;
  /** The refresh token (a secret), if the Hub sent one. */
  refreshToken?: string;
  /** Lifetime of the access token in seconds, if the Hub sent it. */
  expiresIn?: number;
  /** `token_type` as sent (normally `bearer`). */
  tokenType?: string;
}

/** What happened at one poll (for live displays). */
export type PollEvent =
  | { kind: "pending" }
  | { kind: "slow-down"; interval: number }
  | { kind: "transient"; reason: string };

/** Options of {@linkcode pollDeviceToken}. */
export interface PollOptions extends DeviceFlowOptions {
  /** Called after each inconclusive poll. */
  onPoll?: (event: PollEvent) => void;
}

/** "45 s" or "15 min". */
function span(seconds: number): string {
  return seconds < 90 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;
}

function cancelled(url: string, signal: AbortSignal | undefined): DeviceCodeError {
  return new DeviceCodeError(
    "cancelled",
    `The browser login was cancelled while waiting for ${url}.`,
    { cause: signal?.reason, next: "Run it again to log in." },
  );
}

/**
 * One printable line of server text, bounded, with every secret of the login masked before
 * it is cut (error_description and the like).
 */
function serverText(value: unknown, max = 200, secrets: Iterable<string | undefined> = []): string {
  return typeof value === "string" ? shorten(value, max, secrets) : "";
}

function post(
  url: string,
  form: Record<string, string>,
  options: DeviceFlowOptions,
): Promise<Response> {
  const timeout = AbortSignal.timeout(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  return (options.fetch ?? globalThis.fetch)(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Accept: "application/json",
    },
    body: new URLSearchParams(form).toString(),
    signal,
    redirect: "manual",
  });
}

/** A redirect is never followed: the request carries the device code (a secret). */
function refuseRedirect(response: Response, url: string, secrets: (string | undefined)[]): void {
  const redirect = redirectText(response);
  if (redirect === undefined) return;
  response.body?.cancel().catch(() => {});
  throw new DeviceCodeError(
    "redirect",
    `${url} answered a redirect (${
      serverText(redirect, 200, secrets)
    }): refused, because the request carries the login's device code, which must not go to ` +
      `another address. HF_ENDPOINT should name the Hub itself; log in with a token instead: ` +
      `login({ method: "token" }).`,
  );
}

function tooLarge(url: string): DeviceCodeError {
  return new DeviceCodeError(
    "too-large",
    `${url} sent ${tooLargeText(JSON_BODY_LIMIT)}, so the browser login stops.`,
    {
      next:
        'Check HF_ENDPOINT and the network, or log in with a token: login({ method: "token" }).',
    },
  );
}

function bounded(
  value: unknown,
  name: string,
  fallback: number,
  max: number,
  notes: string[],
): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n) || n <= 0) {
    notes.push(`${name} ${JSON.stringify(value)} is not a positive number: ${fallback} s used.`);
    return fallback;
  }
  if (n > max) {
    notes.push(`${name} ${n} s is more than ${max} s: ${max} s used.`);
    return max;
  }
  return Math.max(1, Math.ceil(n));
}

function requiredString(
  data: Record<string, unknown>,
  field: string,
  url: string,
  max: number,
): string {
  const value = data[field];
  if (typeof value !== "string" || value.trim() === "") {
    throw new DeviceCodeError(
      "bad-response",
      `${url} answered without a usable "${field}" (${
        value === undefined ? "missing" : `got ${typeof value}`
      }), so no browser login can start. Is HF_ENDPOINT a Hugging Face Hub? ` +
        `Log in with a token instead: login({ method: "token" }) or \`hf login --paste\`.`,
    );
  }
  // deno-lint-ignore no-control-regex
  if (value.length > max || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new DeviceCodeError(
      "bad-response",
      `${url} answered a "${field}" that is ${
        value.length > max ? `${value.length} characters long` : "not one printable line"
      }: refusing to show it. Log in with a token instead: login({ method: "token" }).`,
    );
  }
  return value.trim();
}

/**
 * Refuses tokens a server sent that a pasted token could not be (a space, a newline, a
 * control, a quote, non-ASCII, too long): a specific error, and nothing gets written.
 */
function checkServerTokens(url: string, tokens: Record<string, string | undefined>): void {
  for (const [field, value] of Object.entries(tokens)) {
    if (value === undefined) continue;
    const problem = serverTokenProblem(value);
    if (problem) {
      throw new DeviceCodeError(
        "bad-token",
        `${url} answered an "${field}" that cannot be a token: ${problem}. Nothing was saved.`,
        {
          next:
            'Check HF_ENDPOINT (a proxy in the way?), or log in with a token: login({ method: "token" }).',
        },
      );
    }
  }
}

/**
 * Asks the Hub for a device code (RFC 8628 §3.1–3.2).
 *
 * @param options Hub URL, fetch, signal, client id.
 * @returns The checked authorization.
 * @throws {DeviceCodeError} with a specific message for every unusable answer.
 */
export async function requestDeviceCode(options: DeviceFlowOptions): Promise<DeviceCodeInfo> {
  const url = `${options.hubUrl}/oauth/device`;
  const now = options.now ?? Date.now;
  const clientId = options.clientId ?? deviceClientId(options.env);
  let response: Response;
  try {
    response = await post(url, { client_id: clientId }, options);
  } catch (error) {
    if (options.signal?.aborted) throw cancelled(url, options.signal);
    throw new DeviceCodeError(
      "network",
      `Could not reach ${url} to start a browser login (${
        serverText(error instanceof Error ? error.message : String(error), 200, options.secrets)
      }).`,
      { cause: error, next: "Check the network (or HF_ENDPOINT), then try again." },
    );
  }
  refuseRedirect(response, url, []);
  const body = await readJsonAnswer(response, JSON_BODY_LIMIT);
  if (!body.ok && body.kind === "too-large") throw tooLarge(url);
  const data = body.ok ? body.value : undefined;
  if (!response.ok) {
    const echoed = [
      ...(options.secrets ?? []),
      typeof data?.device_code === "string" ? data.device_code : undefined,
    ];
    const oauth = typeof data?.error === "string" ? serverText(data.error, 64, echoed) : undefined;
    const detail = serverText(data?.error_description, 200, echoed);
    if (oauth) {
      throw new DeviceCodeError(
        oauth,
        `${url} refused to start a browser login: ${oauth}${detail ? ` (${detail})` : ""}. ` +
          (oauth === "invalid_client" || oauth === "unauthorized_client"
            ? `The client id ${clientId} is not known to this Hub: set ${DEVICE_CLIENT_ID_ENV} ` +
              `to the Hub's device-login client, or log in with a token: login({ method: "token" }).`
            : `Log in with a token instead: login({ method: "token" }).`),
      );
    }
    const code = response.status >= 500 ? "server" : "bad-response";
    throw new DeviceCodeError(
      code,
      `${url} answered HTTP ${response.status} with ${
        body.ok ? "JSON without an OAuth error" : body.why
      }. ` +
        (response.status === 404
          ? 'This Hub does not offer browser login; log in with a token: login({ method: "token" }).'
          : response.status >= 500
          ? "The Hub is having trouble: try again in a minute, or log in with a token."
          : 'Log in with a token instead: login({ method: "token" }).'),
    );
  }
  if (!data) {
    throw new DeviceCodeError(
      "bad-response",
      `${url} answered HTTP ${response.status} with ${
        body.ok ? "JSON that is not an object" : body.why
      }, so no browser login can start (a proxy or captive portal in the way?). ` +
        `Check HF_ENDPOINT and the network, or log in with a token: login({ method: "token" }).`,
    );
  }
  const deviceCode = requiredString(data, "device_code", url, MAX_FIELD);
  const userCode = requiredString(data, "user_code", url, MAX_USER_CODE);
  const verificationUri = requiredString(data, "verification_uri", url, MAX_FIELD);
  const complete = typeof data.verification_uri_complete === "string" &&
      data.verification_uri_complete.trim() !== ""
    ? requiredString(data, "verification_uri_complete", url, MAX_FIELD)
    : verificationUri;
  const notes: string[] = [];
  const interval = bounded(data.interval, "interval", DEFAULT_INTERVAL_S, MAX_INTERVAL_S, notes);
  const expiresIn = bounded(
    data.expires_in,
    "expires_in",
    DEFAULT_EXPIRES_IN_S,
    MAX_EXPIRES_IN_S,
    notes,
  );
  return {
    deviceCode,
    userCode,
    verificationUri,
    verificationUriComplete: complete,
    interval,
    expiresIn,
    expiresAt: now() + expiresIn * 1000,
    notes,
  };
}

/**
 * Polls the token endpoint until the person approves (RFC 8628 §3.4–3.5):
 * `authorization_pending` → wait and poll again; `slow_down` → interval + 5 s;
 * a 5xx, a body that is not JSON, or a network failure → poll again; every
 * other OAuth error ends the login. Ends at the code's expiry at the latest.
 *
 * @param info From {@linkcode requestDeviceCode}.
 * @param options Hub URL, fetch, signal, clock, `onPoll`.
 * @returns The tokens.
 * @throws {DeviceCodeError} `access_denied`, `expired_token` (also when the
 *   time ran out), `unreachable` (no usable answer at all before the expiry),
 *   `cancelled` (signal), or the Hub's own OAuth error code.
 */
export async function pollDeviceToken(
  info: DeviceCodeInfo,
  options: PollOptions,
): Promise<DeviceTokenResponse> {
  const url = `${options.hubUrl}/oauth/token`;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const clientId = options.clientId ?? deviceClientId(options.env);
  let interval = Math.min(Math.max(1, info.interval), MAX_INTERVAL_S);
  // The deadline bounds the wait; the poll cap bounds it too should the clock not move.
  const maxPolls = Math.ceil(Math.min(info.expiresIn, MAX_EXPIRES_IN_S)) + 2;
  let heard = false;
  let lastTransient = "";
  const secrets = [...(options.secrets ?? []), info.deviceCode];
  for (let polls = 0; polls < maxPolls && now() < info.expiresAt; polls++) {
    if (options.signal?.aborted) throw cancelled(url, options.signal);
    let data: Record<string, unknown> | undefined;
    try {
      const response = await post(url, {
        grant_type: DEVICE_CODE_GRANT_TYPE,
        device_code: info.deviceCode,
        client_id: clientId,
      }, options);
      refuseRedirect(response, url, secrets);
      if (response.status >= 500) {
        await response.body?.cancel();
        lastTransient = `HTTP ${response.status}`;
      } else {
        const body = await readJsonAnswer(response, JSON_BODY_LIMIT);
        if (body.ok) {
          data = body.value;
        } else if (body.kind === "too-large") {
          throw tooLarge(url);
        } else {
          lastTransient = `HTTP ${response.status} with ${body.why}`;
        }
      }
    } catch (error) {
      if (error instanceof DeviceCodeError) throw error;
      if (options.signal?.aborted) throw cancelled(url, options.signal);
      lastTransient = `network error: ${
        serverText(error instanceof Error ? error.message : String(error), 120, secrets)
      }`;
    }

    if (data !== undefined) {
      if (typeof data.access_token === "string" && data.access_token.trim() !== "") {
        const refresh = typeof data.refresh_token === "string" && data.refresh_token.trim() !== ""
          ? data.refresh_token.trim()
          : undefined;
        // Checked as a pasted token is, before anything is written: a newline would inject
        // a section into stored_tokens, a second line into the token file.
        checkServerTokens(url, { access_token: data.access_token.trim(), refresh_token: refresh });
        return {
          accessToken: data.access_token.trim(),
          refreshToken: refresh,
          expiresIn: tokenLifetime(data.expires_in),
          tokenType: typeof data.token_type === "string"
            ? serverText(data.token_type, 32, secrets)
            : undefined,
        };
      }
      const error = data.error;
      const detail = serverText(data.error_description, 200, [
        ...secrets,
        typeof data.access_token === "string" ? data.access_token : undefined,
        typeof data.refresh_token === "string" ? data.refresh_token : undefined,
      ]);
      if (error === undefined || error === null) {
        lastTransient = "JSON without an access token or an OAuth error";
      } else if (error === "authorization_pending") {
        heard = true;
        options.onPoll?.({ kind: "pending" });
      } else if (error === "slow_down") {
        heard = true;
        interval = Math.min(interval + 5, MAX_INTERVAL_S);
        options.onPoll?.({ kind: "slow-down", interval });
      } else if (error === "expired_token") {
        throw new DeviceCodeError(
          "expired_token",
          `The login code expired before it was approved (${url} said expired_token).`,
          { next: `Run the login again and approve it within ${span(info.expiresIn)}.` },
        );
      } else if (error === "access_denied") {
        throw new DeviceCodeError(
          "access_denied",
          `The login was denied in the browser (${url} said access_denied).`,
          {
            next:
              'Run it again and click Authorize, or log in with a token: login({ method: "token" }).',
          },
        );
      } else {
        const code = typeof error === "string" ? serverText(error, 64, secrets) : "bad-response";
        throw new DeviceCodeError(
          code,
          `${url} ended the browser login with the OAuth error ${JSON.stringify(code)}` +
            `${detail ? ` (${detail})` : ""}.`,
          {
            next: code === "invalid_client" || code === "unauthorized_client"
              ? `Check ${DEVICE_CLIENT_ID_ENV}, or log in with a token: login({ method: "token" }).`
              : `Run the login again, or log in with a token: login({ method: "token" }).`,
          },
        );
      }
    }
    if (data === undefined || data.error === undefined || data.error === null) {
      options.onPoll?.({ kind: "transient", reason: lastTransient });
    }
    const left = info.expiresAt - now();
    if (left <= 0) break;
    try {
      await sleep(Math.min(interval * 1000, left), options.signal);
    } catch (error) {
      if (options.signal?.aborted) throw cancelled(url, options.signal);
      throw error;
    }
  }
  if (!heard && lastTransient) {
    throw new DeviceCodeError(
      "unreachable",
      `No usable answer from ${url} for ${span(info.expiresIn)} ` +
        `(last: ${lastTransient}), so the login code expired.`,
      { next: "Check the network, then log in again." },
    );
  }
  throw new DeviceCodeError(
    "expired_token",
    `The login code expired after ${span(info.expiresIn)} without an approval.`,
    { next: "Run the login again and approve it in the browser in time." },
  );
}
