/**
 * Renewing a browser login, exactly as huggingface_hub's `get_token()` does
 * (`utils/_auth.py::_refresh_oauth_token_if_needed`): when the token from the
 * token file is an OAuth token stored in `stored_tokens` with
 * `refresh_token` and `expires_at`, and less than 24 h are left, it is
 * exchanged for a new one under the `stored_tokens.lock` flock, after
 * re-reading the section under the lock (another process may have refreshed
 * it already: its result is adopted). After the network call the file is
 * read again (huggingface_hub's `hf auth login --token` writes it without the
 * lock) and only this login's section is replaced — by the new token, the
 * rotated refresh token (the old one when none comes back) and the new expiry,
 * and only if it still holds the old token; the token file is updated if it
 * still holds the old token. A `stored_tokens` that cannot be read is a
 * warning naming the file and the line, never silence.
 *
 * `invalid_grant` (expired or revoked) keeps the old token and says "log in
 * again", and is not retried this session; a transient failure keeps the old
 * token and is retried no sooner than 5 minutes later, warned once. The
 * decision is kept in the session cache: later calls read no file until it
 * is due again.
 *
 * @module
 */

import type { EnvLike } from "../_env.ts";
import { DeviceCodeError } from "../errors.ts";
import { tokenPaths } from "../store/paths.ts";
import { browserLoginInfo, readActive, readStoredFile } from "../store/save_token.ts";
import { setStoredSection } from "../store/stored_tokens_ini.ts";
import type { BrowserLoginInfo, TokenWarning } from "./resolution.ts";
import { privateSlot } from "./session_cache.ts";

/** Refresh when less than this is left (huggingface_hub `_OAUTH_REFRESH_MARGIN`, 1 day). */
export const REFRESH_MARGIN_MS = 24 * 3600 * 1000;
/** Re-check interval without metadata or after a failure (`_OAUTH_RECHECK_INTERVAL`, 5 min). */
export const RECHECK_INTERVAL_MS = 5 * 60 * 1000;

/** The session's cached decision (huggingface_hub `_OAuthRefreshCache`). */
export interface RefreshCache {
  /** The token as read from the token file (the cache key, with `storedTokensPath`). */
  fileToken: string;
  /** The `stored_tokens` file the decision was made from. */
  storedTokensPath?: string;
  /** The token to use. */
  resolvedToken: string;
  /** When (ms since the epoch) the decision must be re-evaluated. */
  recheckAt: number;
  /** The browser login, if the token is one. */
  login?: BrowserLoginInfo;
  /** A warning to carry on the resolution. */
  warning?: TokenWarning;
}

/** Options of {@linkcode renewBrowserLogin}. */
export interface RenewOptions {
  /** Environment (file locations, `HF_ENDPOINT`, client id). */
  env?: EnvLike;
  /** fetch for the refresh request. */
  fetch?: typeof fetch;
  /** Cancels the refresh request. */
  signal?: AbortSignal;
  /** Hub base URL (default `HF_ENDPOINT`, else huggingface.co). */
  hubUrl?: string;
  /** Clock, ms since the epoch (tests). Default `Date.now`. */
  now?: () => number;
  /** The source id shown in warnings (the token file's). */
  source?: string;
}

/** The warning for a `stored_tokens` that cannot be read (its message names the file and line). */
function storedTokensWarning(error: unknown, source: string): TokenWarning {
  const why = error instanceof Error ? error.message : String(error);
  return {
    code: "stored-tokens-unreadable",
    source,
    message: `The token file's token is used as it is, not renewed even if it is a browser ` +
      `login: ${why}`,
    fix: "Fix or remove that line; until then the token file's token is used as it is " +
      "(huggingface_hub ignores the whole file in that case).",
  };
}

interface Slot {
  cache?: RefreshCache;
  warnedTransient?: boolean;
}

function slot(): Slot {
  return privateSlot<Slot>("browserLoginRefresh", () => ({}));
}

function expiryMs(fields: Record<string, string>): number | undefined {
  return /^\d+$/.test(fields.expires_at ?? "") ? Number(fields.expires_at) * 1000 : undefined;
}

function loginState(
  name: string,
  fields: Record<string, string>,
  refresh: BrowserLoginInfo["refresh"],
): BrowserLoginInfo {
  const info = browserLoginInfo(fields) ?? { renews: false };
  return { name, ...info, refresh };
}

/**
 * Given the token read from the token file, returns the token to use,
 * renewing a browser login that has less than a day left. Never throws: a
 * failure keeps the token and carries a warning.
 *
 * @param fileToken The token the token file holds.
 * @param options Environment, fetch, clock.
 * @returns The decision (also kept in the session cache).
 */
export async function renewBrowserLogin(
  fileToken: string,
  options: RenewOptions = {},
): Promise<RefreshCache> {
  const s = slot();
  const now = (options.now ?? Date.now)();
  const { tokenPath, storedTokensPath } = tokenPaths({ env: options.env });
  const cached = s.cache;
  if (
    cached && cached.fileToken === fileToken && cached.storedTokensPath === storedTokensPath &&
    now < cached.recheckAt
  ) return cached;

  const source = options.source ?? "file:token";
  const keep = (entry: RefreshCache) => (s.cache = { ...entry, storedTokensPath });

  let file;
  try {
    file = await readStoredFile(storedTokensPath);
  } catch (error) {
    // huggingface_hub logs the parse error and treats the file as empty; here it is a warning
    // naming the file and the line, and the token is used as it is (not renewed).
    return keep({
      fileToken,
      resolvedToken: fileToken,
      recheckAt: now + RECHECK_INTERVAL_MS,
      warning: storedTokensWarning(error, source),
    });
  }
  const section = file.sections.find((x) => x.fields.hf_token === fileToken);
  const refreshToken = section?.fields.refresh_token;
  const expiresAt = section ? expiryMs(section.fields) : undefined;
  if (!section || !refreshToken || expiresAt === undefined) {
    // The token may just have been replaced by a concurrent refresh: serve the file's new token.
    const current = await readActive(tokenPath).catch(() => undefined);
    if (current !== undefined && current !== fileToken) {
      return { fileToken, resolvedToken: current, recheckAt: 0 };
    }
    return keep({
      fileToken,
      resolvedToken: fileToken,
      recheckAt: now + RECHECK_INTERVAL_MS,
      ...(section && browserLoginInfo(section.fields)
        ? { login: loginState(section.name, section.fields, "no-refresh-token") }
        : {}),
    });
  }
  if (expiresAt - REFRESH_MARGIN_MS > now) {
    return keep({
      fileToken,
      resolvedToken: fileToken,
      recheckAt: expiresAt - REFRESH_MARGIN_MS,
      login: loginState(section.name, section.fields, "not-due"),
    });
  }

  const name = section.name;
  let newToken: string;
  let newFields: Record<string, string>;
  let outcome: "refreshed" | "adopted";
  try {
    // The writer loads when a renewal is due: importing the module stays cheap.
    const { atomicWrite, withFileLock } = await import("../store/_atomic_write.ts");
    ({ newToken, newFields, outcome } = await withFileLock(storedTokensPath, async () => {
      // Re-read under the lock: another process may have refreshed in the meantime.
      const locked = await readStoredFile(storedTokensPath);
      const fields = locked.sections.find((x) => x.name === name)?.fields ?? {};
      if (fields.hf_token !== fileToken) {
        return {
          newToken: fields.hf_token ?? fileToken,
          newFields: fields,
          outcome: "adopted" as const,
        };
      }
      // Loaded when a renewal is due: importing the module stays cheap.
      const { refreshAccessToken } = await import("./_refresh_request.ts");
      const answer = await refreshAccessToken(fields.refresh_token ?? refreshToken, {
        // The access token being replaced is masked too if the server echoes it.
        accessToken: fileToken,
        env: options.env,
        fetch: options.fetch,
        signal: options.signal,
        hubUrl: options.hubUrl,
      });
      const stored = {
        hf_token: answer.accessToken,
        // The server may rotate the refresh token; keep the old one if it does not.
        refresh_token: answer.refreshToken ?? fields.refresh_token ?? refreshToken,
        ...(answer.expiresIn !== undefined
          ? { expires_at: String(Math.floor(now / 1000) + answer.expiresIn) }
          : {}),
      };
      // Re-read after the network call: `hf auth login --token` (huggingface_hub's _save_token)
      // writes stored_tokens without the lock, and may have done so while we waited. Only our
      // own section changes, and only if it still holds the token we renewed.
      const latest = await readStoredFile(storedTokensPath);
      const mine = latest.sections.find((x) => x.name === name);
      if (mine?.fields.hf_token === fileToken) {
        await atomicWrite(storedTokensPath, setStoredSection(latest, name, stored), {
          env: options.env,
        });
      }
      // Update the active token file, unless another process switched to a different token.
      if (await readActive(tokenPath).catch(() => undefined) === fileToken) {
        await atomicWrite(tokenPath, answer.accessToken, { env: options.env });
      }
      return { newToken: answer.accessToken, newFields: stored, outcome: "refreshed" as const };
    }, { timeoutMs: 30_000 }));
  } catch (error) {
    const revoked = error instanceof DeviceCodeError && error.code === "invalid_grant";
    const login = loginState(name, section.fields, revoked ? "revoked" : "failed");
    const warning: TokenWarning = revoked
      ? {
        code: "browser-login-expired",
        source,
        message: `Your browser login expired or was revoked: log in again. The Hub refused to ` +
          `renew "${name}" (invalid_grant); its current token is used until the Hub rejects it.`,
        fix: "Run `await login()` in the notebook, or `deno task hf login` / `hf auth login` in " +
          "a terminal.",
      }
      : {
        code: "browser-login-refresh-failed",
        source,
        message: `Could not renew the browser login "${name}" (${
          error instanceof Error ? error.message : String(error)
        }). The current token is used; renewal is tried again in 5 minutes.`,
        fix: "Check the network and HF_ENDPOINT; if it keeps failing, log in again with " +
          "`await login()` or `hf auth login`.",
      };
    if (!revoked && !s.warnedTransient) {
      s.warnedTransient = true;
      console.warn(`hf-notebook-auth: ${warning.message}`);
    }
    return keep({
      fileToken,
      resolvedToken: fileToken,
      recheckAt: revoked ? Infinity : now + RECHECK_INTERVAL_MS,
      login,
      warning,
    });
  }
  const newExpiry = expiryMs(newFields);
  return keep({
    fileToken: newToken,
    resolvedToken: newToken,
    // The floor guards against a lifetime shorter than the margin (a refresh on every call).
    recheckAt: Math.max(
      now + RECHECK_INTERVAL_MS,
      newExpiry !== undefined ? newExpiry - REFRESH_MARGIN_MS : 0,
    ),
    login: loginState(name, newFields, outcome),
  });
}
