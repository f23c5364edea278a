/**
 * `browserLogin()`: log in through the browser with the OAuth device code
 * (RFC 8628), as `hf auth login` does since huggingface_hub 1.20: show a link,
 * a short code and a QR code, wait for the person to approve, check the token
 * with whoami-v2 and save it (with its refresh token) where `hf`, Python and
 * this module all find it.
 *
 * This file holds the public function, its options and docs; the flow lives in
 * `_browser_login_run.ts` and loads on the first call, so importing stays cheap.
 *
 * @module
 */

import { setBrowserLoginHook } from "../resolve/_browser_hook.ts";
import type { Validation } from "./validation.ts";
import type { WhoamiOptions } from "./whoami.ts";

/**
 * Source id of a token obtained by a browser login (`resolution.source`, the card's "from").
 *
 * @example Usage
 * ```ts
 * import { BROWSER_LOGIN_SOURCE } from "@hf-notebook/auth/hub";
 * import assert from "node:assert/strict";
 *
 * assert.equal(BROWSER_LOGIN_SOURCE, "oauth:device");
 * ```
 */
export const BROWSER_LOGIN_SOURCE = "oauth:device";

/** Options of {@linkcode browserLogin}. */
export interface BrowserLoginOptions extends Omit<WhoamiOptions, "token" | "resolution"> {
  /**
   * Save the token (in `stored_tokens`, with its refresh token and expiry, and
   * as the active token file). Default `true`: a browser login is a login on
   * this machine. `false` keeps it for this session only.
   */
  persist?: boolean;
  /** Name to save it under. Default: the token's `displayName`, else `oauth-{username}`. */
  name?: string;
  /** OAuth client id. Default: `HF_DEVICE_CODE_OAUTH_CLIENT_ID`, else huggingface_hub's. */
  clientId?: string;
  /**
   * Where the login is shown: `"auto"` (a live output in a Deno kernel, else
   * the terminal), `"jupyter"`, `"terminal"` or `"none"`. Default `"auto"`.
   */
  display?: "auto" | "jupyter" | "terminal" | "none";
  /** Terminal output (default: standard error, so stdout stays clean for pipes). */
  write?: (text: string) => void;
  /** Whether the terminal output is a terminal (the waiting line is rewritten in place). */
  live?: boolean;
  /** Draw the QR code in the terminal (default: when `live`). */
  qr?: boolean;
  /** Called once the code is known (e.g. to approve it headless in a test or demo). */
  onCode?: (code: { userCode: string; verificationUri: string }) => void;
  /** Clock in milliseconds (tests). */
  now?: () => number;
  /** Sleep (tests). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Logs in through the browser (OAuth device code, as `hf auth login`): shows
 * a link, a code and a QR code (a live output in a Deno kernel, text on a
 * terminal), waits for the person to approve on the Hub, checks the token and
 * returns the validation card. The login is saved by default (in
 * `stored_tokens` with its refresh token and expiry, and as the active token
 * file), under the token's `displayName` or `oauth-{username}`; `persist:
 * false` keeps it for the session only. It ends at the code's expiry, when
 * `signal` aborts, and on Ctrl-C / a kernel interrupt.
 *
 * @example Approve headless against the sandbox
 * ```ts
 * import { browserLogin } from "@hf-notebook/auth";
 * import { startSandbox } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * await using hub = startSandbox({ quiet: true, oauth: { interval: 1 } });
 * const home = await Deno.makeTempDir();
 * const card = await browserLogin({
 *   env: { ...hub.env, HF_HOME: home },
 *   display: "none",
 *   onCode: ({ userCode }) => hub.approveDevice(userCode),
 * });
 * assert.equal(card.verdict, "valid");
 * assert.ok(card.diagnostics.some((d) => d.code === "token-saved"));
 * await Deno.remove(home, { recursive: true });
 * ```
 *
 * @param options Endpoints, fetch, signal, `persist`, `name`, display settings.
 * @returns The validation card of the new token.
 * @throws {DeviceCodeError} when the login is denied, expires, is cancelled,
 *   or the Hub cannot be reached or answers something unusable.
 */
export async function browserLogin(options: BrowserLoginOptions = {}): Promise<Validation> {
  const { runDeviceLogin } = await import("./_browser_login_run.ts");
  return (await runDeviceLogin(options)).validation;
}

// getToken({ method: "browser" }) runs the same flow (resolution must not import this layer).
setBrowserLoginHook(async (options) => {
  const { runDeviceLogin } = await import("./_browser_login_run.ts");
  return (await runDeviceLogin(options as BrowserLoginOptions)).resolution;
});
