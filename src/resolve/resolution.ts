/**
 * The result of a token resolution: the token, which source won, every source
 * tried and the warnings found on the way. Inspecting or serialising it shows
 * the masked token only.
 *
 * @module
 */

import { maskToken } from "../_mask.ts";
import type { Platform } from "../sources/platform.ts";
import type { Attempt, TokenWarning } from "../sources/types.ts";

/**
 * A browser login (an OAuth token from `hf auth login` ≥ 1.20 or
 * `browserLogin()`), as a resolution reports it: its `stored_tokens` name,
 * expiry, whether it renews itself and what the renewal did.
 *
 * @example Usage
 * ```ts
 * import type { BrowserLoginInfo } from "@hf-notebook/auth";
 *
 * const info: BrowserLoginInfo = { name: "oauth-sandbox-alice", renews: true, refresh: "not-due" };
 * console.log(info.name);
 * ```
 */
export interface BrowserLoginInfo {
  /** Its name in `stored_tokens` (`oauth-{username}`). */
  name: string;
  /** When the access token expires (ISO 8601), if known. */
  expiresAt?: string;
  /** Whether it renews itself (a refresh token is stored). */
  renews: boolean;
  /**
   * What the renewal did at resolution: `not-due` (more than a day left),
   * `refreshed` (renewed now), `adopted` (another process had renewed it),
   * `revoked` (`invalid_grant`: log in again), `failed` (transient: retried in
   * 5 minutes), `no-refresh-token` (expires but cannot renew itself).
   */
  refresh: "not-due" | "refreshed" | "adopted" | "revoked" | "failed" | "no-refresh-token";
}

// The warning shapes belong to the sources (which attach them to hits) and the platform
// names to platform detection; re-exported here, where resolutions carry them.
export type { TokenWarning, TokenWarningCode } from "../sources/types.ts";
export type { Platform } from "../sources/platform.ts";

/**
 * The warning for a token in use that hides a different token in a later source (e.g.
 * `HF_TOKEN` shadowing the token file). Both appear masked.
 */
export function shadowedTokenWarning(
  winner: { source: string; token: string },
  other: { source: string; token: string },
): TokenWarning {
  return {
    code: "shadowed-token",
    source: other.source,
    message: `${winner.source} (${maskToken(winner.token)}) shadows a different token in ` +
      `${other.source} (${maskToken(other.token)}).`,
    fix: `Keep one token: remove the one you no longer use, or unset ` +
      `${winner.source.replace(/^env:/, "")} if ${other.source} is the one you meant.`,
  };
}

/**
 * A resolved token and how it was found.
 *
 * @example Usage
 * ```ts
 * import { Resolution } from "@hf-notebook/auth";
 * import assert from "node:assert/strict";
 *
 * const r = new Resolution({ token: "hf_sandbox_read_alice", source: "env:HF_TOKEN", attempts: [] });
 * assert.deepEqual(r.masked, "hf_sa…ice");
 * assert.deepEqual(Deno.inspect(r).includes("hf_sandbox_read_alice"), false);
 * assert.deepEqual(JSON.stringify(r).includes("hf_sandbox_read_alice"), false);
 * ```
 */
export class Resolution {
  #token: string;
  /** Which source won, e.g. `env:HF_TOKEN`, `secret:kaggle:HF_TOKEN`, `prompt:jupyter`. */
  readonly source: string;
  /** Every source tried, in order, with its outcome. */
  readonly attempts: readonly Attempt[];
  /** Warnings found while resolving (legacy names, shadowed tokens, …). */
  readonly warnings: readonly TokenWarning[];
  /** The platform detected while resolving. */
  readonly platform: Platform;
  /** Masked form of the token (`hf_Ab…xyz`). */
  readonly masked: string;
  /** Set when the token is a browser login (OAuth): name, expiry, renewal. */
  readonly browserLogin?: BrowserLoginInfo;
  /** When a short-lived token (browser login, OIDC) must be looked at again (ms since the epoch). */
  readonly recheckAt?: number;

  /**
   * Creates a resolution. Normally made by `resolveToken`.
   *
   * @param init The token, the winning source, the attempts and warnings.
   */
  constructor(init: {
    token: string;
    source: string;
    attempts: readonly Attempt[];
    warnings?: readonly TokenWarning[];
    platform?: Platform;
    browserLogin?: BrowserLoginInfo;
    recheckAt?: number;
  }) {
    this.#token = init.token;
    this.source = init.source;
    this.attempts = init.attempts;
    this.warnings = init.warnings ?? [];
    this.platform = init.platform ?? "terminal";
    this.masked = maskToken(init.token);
    if (init.browserLogin) this.browserLogin = init.browserLogin;
    if (init.recheckAt !== undefined) this.recheckAt = init.recheckAt;
  }

  /** The token itself. Pass it to clients; never print it. */
  get token(): string {
    return this.#token;
  }

  /** Serialisable form, with the token masked. */
  toJSON(): {
    source: string;
    masked: string;
    platform: Platform;
    attempts: readonly Attempt[];
    warnings: readonly TokenWarning[];
    browserLogin?: BrowserLoginInfo;
  } {
    return {
      source: this.source,
      masked: this.masked,
      platform: this.platform,
      attempts: this.attempts,
      warnings: this.warnings,
      ...(this.browserLogin ? { browserLogin: this.browserLogin } : {}),
    };
  }

  /** One line: masked token and source. */
  toString(): string {
    return `${this.masked} (from ${this.source})`;
  }

  /** `console.log` shows the masked form. */
  [Symbol.for("Deno.customInspect")](
    inspect: (value: unknown, options?: unknown) => string,
    options: unknown,
  ): string {
    return `Resolution ${inspect(this.toJSON(), options)}`;
  }
}
