/**
 * The OIDC (Trusted Publishers) source at the head of resolution, with the
 * session cache huggingface_hub keeps (`_OIDC_TOKEN_CACHE`): the exchanged
 * token is reused until `expires_in` minus 5 minutes when the id token was
 * minted here (GitHub Actions can mint a new one), or for its full lifetime
 * when it came from `HF_OIDC_ID_TOKEN` (that one cannot be re-minted), as
 * huggingface_hub does.
 *
 * @module
 */

import { type EnvLike, envNonEmpty } from "../_env.ts";
import { maskToken } from "../_mask.ts";
import { type Platform, Resolution } from "./resolution.ts";
import { privateSlot } from "./session_cache.ts";

/** Re-exchange this long before expiry (huggingface_hub `_OIDC_REFRESH_MARGIN`). */
export const OIDC_REFRESH_MARGIN_MS = 300_000;

interface OidcCache {
  resource: string;
  hubUrl: string;
  token: string;
  expiresAt: number;
}

/**
 * Resolves through OIDC when `HF_OIDC_RESOURCE` is set; `undefined` otherwise.
 * Throws {@link OidcError} on failure (never falls through).
 */
export async function oidcResolution(options: {
  env: EnvLike;
  hubUrl?: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  now?: () => number;
  platform: Platform;
}): Promise<Resolution | undefined> {
  const resource = envNonEmpty(options.env, "HF_OIDC_RESOURCE")?.trim();
  if (!resource) return undefined;
  const state = privateSlot<{ oidcToken?: OidcCache }>("oidcToken", () => ({}));
  const now = (options.now ?? Date.now)();
  const hubUrl = options.hubUrl ?? envNonEmpty(options.env, "HF_ENDPOINT") ?? "";
  const source = `oidc:${resource}`;
  let cache = state.oidcToken;
  if (!cache || cache.resource !== resource || cache.hubUrl !== hubUrl || now >= cache.expiresAt) {
    // Loaded when an exchange is due (HF_OIDC_RESOURCE set): importing the module stays cheap.
    const { oidcExchange } = await import("../sources/oidc.ts");
    const got = (await oidcExchange({
      env: options.env,
      hubUrl: options.hubUrl,
      fetch: options.fetch,
      signal: options.signal,
    }))!;
    const margin = got.minted ? OIDC_REFRESH_MARGIN_MS : 0;
    cache = {
      resource,
      hubUrl,
      token: got.token,
      expiresAt: now + Math.max(got.expiresIn * 1000 - margin, 0),
    };
    state.oidcToken = cache;
  }
  return new Resolution({
    token: cache.token,
    source,
    attempts: [{ source, outcome: "found", masked: maskToken(cache.token) }],
    platform: options.platform,
    recheckAt: cache.expiresAt,
  });
}
