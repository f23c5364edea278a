/**
 * `--check`: whether each distinct token still works, asked once per token with whoami-v2
 * through the project's whoami client (the guarded fetch, the session's one request per
 * token), and whether it is the token this machine uses now (resolved without a prompt and
 * without the network). Nothing here runs unless the caller asked for the check.
 *
 * @module
 */

import type { EnvLike } from "../_env.ts";
import { whoami } from "../hub/whoami.ts";
import { resolveToken } from "../resolve/resolve_token.ts";
import type { TokenStatus } from "./scan_report.ts";

/** Network options of the check (the project's usual injectable trio, plus the environment). */
export interface CheckOptions {
  /** Hub base URL. */
  hubUrl?: string;
  /** The fetch to use. */
  fetch?: typeof fetch;
  /** Cancels the requests. */
  signal?: AbortSignal;
  /** Environment (`HF_ENDPOINT`, `HF_HUB_OFFLINE`, the token sources). */
  env?: EnvLike;
  /** Working directory for `.env` files when finding the token in use. */
  cwd?: string;
}

/**
 * Asks the Hub about `token` (always a fresh request).
 *
 * @param token The token.
 * @param options Endpoints, fetch, signal, environment.
 * @returns Live, revoked or unknown, with the facts.
 */
export async function checkToken(token: string, options: CheckOptions): Promise<TokenStatus> {
  const v = await whoami({
    token,
    hubUrl: options.hubUrl,
    fetch: options.fetch,
    signal: options.signal,
    env: options.env,
    refresh: true,
  });
  if (v.verdict === "valid") {
    return {
      state: "live",
      reason: v.reason,
      account: v.identity?.name,
      role: v.token?.role,
      tokenName: v.token?.displayName,
    };
  }
  if (v.verdict === "invalid" || v.verdict === "expired") {
    return {
      state: "revoked",
      reason: `the Hub refuses it (${v.verdict}${v.status ? `, HTTP ${v.status}` : ""})`,
    };
  }
  return { state: "unknown", reason: `no answer from the Hub (${v.verdict}): ${v.reason}` };
}

/**
 * The token this machine uses now (the session's, else the first source that has one),
 * without prompting; `undefined` when none.
 *
 * @param options Environment and working directory.
 * @returns The token, or `undefined`.
 */
export async function tokenInUse(options: CheckOptions): Promise<string | undefined> {
  try {
    const r = await resolveToken({ env: options.env, cwd: options.cwd, prompt: false });
    return r.token;
  } catch {
    return undefined;
  }
}
