/**
 * Token resolution: session cache → explicit token → named secret stores →
 * environment → `.env.local`/`.env` → token file → secure prompt. The first
 * success is kept for the life of the kernel; later calls do no I/O.
 *
 * @module
 */

import type { EnvLike } from "../_env.ts";
import { maskToken } from "../_mask.ts";
import { InvalidTokenError, TokenNotFoundError } from "../errors.ts";
import { colabExplanation } from "../sources/colab.ts";
import { normalizeToken } from "../sources/normalize_token.ts";
import { detectPlatform, isColab } from "../sources/platform.ts";
import { promptForToken } from "../sources/prompt.ts";
import type { Attempt, SourceContext, TokenSource } from "../sources/types.ts";
import { browserLoginHook } from "./_browser_hook.ts";
import { explicitResolution } from "./_explicit_resolution.ts";
import { platformFix } from "./platform_fix.ts";
import {
  type Platform,
  Resolution,
  shadowedTokenWarning,
  type TokenWarning,
} from "./resolution.ts";
import { resetSession, sessionState } from "./session_cache.ts";
import { buildSourceList, sourceContext, type SourceListOptions } from "./source_list.ts";
import { tokenFileSource } from "../sources/token_file.ts";
import { renewBrowserLogin } from "./browser_login_refresh.ts";
import { oidcResolution } from "./_oidc_resolution.ts";

/** Options of {@linkcode resolveToken} and {@linkcode getToken}. */
export interface ResolveOptions extends SourceListOptions {
  /** An explicit token: used as is (after hygiene), ahead of every other source. */
  token?: string;
  /** Whether to prompt when no source has a token (default true). */
  prompt?: boolean;
  /** Prompt text. */
  promptMessage?: string;
  /** Ignore the session cache and resolve again (the result replaces it). */
  refresh?: boolean;
  /** Working directory for `.env` files (default `Deno.cwd()`). */
  cwd?: string;
  /** fetch for remote stores (Kaggle). */
  fetch?: typeof fetch;
  /** Cancels remote look-ups. */
  signal?: AbortSignal;
  /** Override the platform detection (tests, or to force a fix message). */
  platform?: Platform;
  /**
   * How to ask when no source has a token: `"token"` (default) shows the
   * password box (hidden input in a terminal); `"browser"` runs a browser
   * login (OAuth device code, saved like `hf auth login`; see `browserLogin`).
   */
  method?: "token" | "browser";
  /** Hub base URL for a browser login's renewal and the OIDC exchange (default `HF_ENDPOINT`). */
  hubUrl?: string;
  /** Clock, ms since the epoch, for renewal decisions (tests). Default `Date.now`. */
  now?: () => number;
}

interface Found {
  token: string;
  source: string;
  warnings: TokenWarning[];
}

/** Walks the sources in order; returns the first valid hit and every attempt. */
async function walk(
  sources: TokenSource[],
  ctx: SourceContext,
  attempts: Attempt[],
  invalid: InvalidTokenError[],
): Promise<Found | undefined> {
  for (const source of sources) {
    const hit = await source.lookup(ctx);
    const id = hit.source ?? source.id;
    if (hit.outcome !== "found" || hit.value === undefined) {
      attempts.push({
        source: id,
        outcome: hit.outcome === "error" ? "error" : "not-found",
        detail: hit.detail,
      });
      continue;
    }
    try {
      const clean = normalizeToken(hit.value, id);
      attempts.push({ source: id, outcome: "found", masked: maskToken(clean.token) });
      return {
        token: clean.token,
        source: id,
        warnings: [...(hit.warnings ?? []), ...clean.warnings],
      };
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      invalid.push(error);
      attempts.push({ source: id, outcome: "invalid", detail: error.message });
    }
  }
  return undefined;
}

/** After a win, looks at the later local sources for a different token (no network, no prompt). */
async function shadowWarnings(
  later: TokenSource[],
  ctx: SourceContext,
  winner: Found,
): Promise<TokenWarning[]> {
  const warnings: TokenWarning[] = [];
  for (const source of later) {
    if (source.remote) continue;
    const hit = await source.lookup(ctx);
    if (hit.outcome !== "found" || hit.value === undefined) continue;
    let other: string;
    try {
      other = normalizeToken(hit.value, source.id).token;
    } catch {
      continue;
    }
    if (other === winner.token) continue;
    warnings.push(shadowedTokenWarning(winner, { source: hit.source ?? source.id, token: other }));
  }
  return warnings;
}

function describeAttempts(attempts: readonly Attempt[]): string {
  return attempts.map((a) => `  - ${a.source}: ${a.outcome}${a.detail ? ` (${a.detail})` : ""}`)
    .join("\n");
}

async function resolveFresh(options: ResolveOptions): Promise<Resolution> {
  const state = sessionState();
  state.stats.resolutions++;
  const env: EnvLike = options.env ?? Deno.env;
  const platform = options.platform ?? detectPlatform({ env });
  const attempts: Attempt[] = [];
  const warnings: TokenWarning[] = [];
  if (options.refresh) state.negative.clear();

  if (options.token !== undefined) return explicitResolution(options.token, env);

  // Trusted Publishers first (as huggingface_hub): a failure is an error, not a fall-through.
  const oidc = await oidcResolution({
    env,
    hubUrl: options.hubUrl,
    fetch: options.fetch,
    signal: options.signal,
    now: options.now,
    platform,
  });
  if (oidc) return oidc;

  const ctx = sourceContext(options);
  const sources = buildSourceList(options);
  const invalid: InvalidTokenError[] = [];
  const found = await walk(sources, ctx, attempts, invalid);
  if (isColab(env) && !found) {
    attempts.push({
      source: "secret:colab:HF_TOKEN",
      outcome: "not-found",
      detail: "Colab's vault cannot answer a Deno kernel",
    });
  }
  if (found) {
    const index = sources.findIndex((s) =>
      s.id === found.source || found.source.startsWith(s.id + ":")
    );
    warnings.push(...found.warnings, ...await shadowWarnings(sources.slice(index + 1), ctx, found));
    for (const bad of invalid) {
      warnings.push({
        code: "other",
        source: bad.source,
        message: `${bad.message} It was skipped; ${found.source} is used instead.`,
      });
    }
    if (found.source === tokenFileSource({ env: options.env }).id) {
      // A browser login in the token file renews itself (as huggingface_hub's get_token()).
      const decision = await renewBrowserLogin(found.token, {
        env: options.env,
        fetch: options.fetch,
        signal: options.signal,
        hubUrl: options.hubUrl,
        now: options.now,
        source: found.source,
      });
      if (decision.warning) warnings.push(decision.warning);
      return new Resolution({
        token: decision.resolvedToken,
        source: found.source,
        attempts,
        warnings,
        platform,
        ...(decision.login ? { browserLogin: decision.login } : {}),
        ...(decision.login && Number.isFinite(decision.recheckAt)
          ? { recheckAt: decision.recheckAt }
          : {}),
      });
    }
    return new Resolution({
      token: found.token,
      source: found.source,
      attempts,
      warnings,
      platform,
    });
  }
  if (invalid.length > 0) {
    // A value was there but unusable: say so rather than ask for a token the person thinks they gave.
    throw new InvalidTokenError(
      `${invalid[0].message}\nSources tried:\n${describeAttempts(attempts)}`,
      invalid[0].source,
    );
  }

  if ((options.prompt ?? true) && options.method === "browser") {
    const hook = browserLoginHook();
    if (!hook) {
      throw new TokenNotFoundError(
        `No Hugging Face token found, and getToken({ method: "browser" }) needs the browser ` +
          `login, which is not loaded: import getToken from mod.ts (not src/resolve/), or call ` +
          `browserLogin() first. Sources tried:\n${describeAttempts(attempts)}`,
      );
    }
    return await hook(options);
  }
  if (options.prompt ?? true) {
    const outcome = await promptForToken({ message: options.promptMessage });
    if (outcome.kind === "answered") {
      const source = `prompt:${outcome.via}`;
      const clean = normalizeToken(
        outcome.value,
        source === "prompt:jupyter" ? "the password box" : "the prompt",
      );
      attempts.push({ source, outcome: "found", masked: maskToken(clean.token) });
      return new Resolution({
        token: clean.token,
        source,
        attempts,
        warnings: clean.warnings,
        platform,
      });
    }
    attempts.push({
      source: outcome.kind === "dismissed" ? `prompt:${outcome.via}` : "prompt",
      outcome: "not-found",
      detail: outcome.reason,
    });
  } else {
    attempts.push({ source: "prompt", outcome: "skipped", detail: "disabled with prompt: false" });
  }
  const fix = platform === "colab" ? colabExplanation("HF_TOKEN") : platformFix(platform);
  throw new TokenNotFoundError(
    `No Hugging Face token found. Sources tried, in order:\n${describeAttempts(attempts)}\n` +
      `How to fix it (${platform}): ${fix}\nCreate a token at https://huggingface.co/settings/tokens ` +
      `("Read" is enough to download; fine-grained tokens need "Make calls to Inference Providers" ` +
      `for inference).`,
  );
}

/**
 * Resolves the token and tells where it came from. Concurrent calls share one
 * resolution (and so one prompt); the first success is cached for the session.
 *
 * @example Usage
 * ```ts
 * import { resolveToken } from "@hf-notebook/auth";
 * import assert from "node:assert/strict";
 *
 * const r = await resolveToken({ env: { HF_API_KEY: "hf_sandbox_read_alice" }, refresh: true, prompt: false, mountedSecretDirs: [], dotenv: false, tokenFile: false });
 * assert.deepEqual(r.source, "env:HF_API_KEY");
 * assert.deepEqual(r.warnings[0].code, "legacy-env-alias");
 * ```
 *
 * @param options Sources, environment and prompt settings.
 * @returns The resolution.
 * @throws {TokenNotFoundError} when no source has a token and no one could be asked.
 * @throws {InvalidTokenError} when the only token found is malformed.
 */
export function resolveToken(options: ResolveOptions = {}): Promise<Resolution> {
  const state = sessionState();
  if (options.token !== undefined) {
    return resolveFresh(options).then((resolution) => {
      state.resolution ??= resolution;
      return resolution;
    });
  }
  const due = state.resolution?.recheckAt !== undefined &&
    (options.now ?? Date.now)() >= state.resolution.recheckAt;
  if (!options.refresh && state.resolution && !due) return Promise.resolve(state.resolution);
  if (!options.refresh && state.pending) return state.pending;
  const pending = resolveFresh(options).then(
    (resolution) => {
      state.resolution = resolution;
      if (state.pending === pending) state.pending = undefined;
      return resolution;
    },
    (error) => {
      if (state.pending === pending) state.pending = undefined;
      throw error;
    },
  );
  state.pending = pending;
  return pending;
}

/**
 * Returns the Hugging Face token: the one line a notebook needs.
 *
 * @example Usage
 * ```ts
 * import { getToken } from "@hf-notebook/auth";
 * import assert from "node:assert/strict";
 *
 * const token = await getToken({ env: { HF_TOKEN: "hf_sandbox_read_alice" }, refresh: true });
 * assert.deepEqual(token, "hf_sandbox_read_alice");
 * assert.deepEqual(await getToken(), token); // cached: no I/O
 * ```
 *
 * @param options See {@linkcode ResolveOptions}.
 * @returns The token.
 */
export async function getToken(options: ResolveOptions = {}): Promise<string> {
  return (await resolveToken(options)).token;
}

/**
 * Sets the session's token explicitly (it wins over every source until
 * `clearToken()` or a refresh).
 *
 * @example Usage
 * ```ts
 * import { getToken, setToken } from "@hf-notebook/auth";
 * import assert from "node:assert/strict";
 *
 * setToken("hf_sandbox_write_bob");
 * assert.deepEqual(await getToken(), "hf_sandbox_write_bob");
 * ```
 *
 * @param token The token.
 * @returns The new resolution.
 */
export function setToken(token: string): Resolution {
  const clean = normalizeToken(token, "setToken()");
  const resolution = new Resolution({
    token: clean.token,
    source: "explicit:setToken",
    attempts: [{ source: "explicit:setToken", outcome: "found", masked: maskToken(clean.token) }],
    warnings: clean.warnings,
    platform: detectPlatform(),
  });
  const state = sessionState();
  state.resolution = resolution;
  state.pending = undefined;
  return resolution;
}

/**
 * Forgets the session's token (and cached look-ups and validations); the next
 * `getToken()` resolves again. Stored files are not touched (see `forgetToken`).
 *
 * @example Usage
 * ```ts
 * import { clearToken, setToken } from "@hf-notebook/auth";
 * import { sessionState } from "@hf-notebook/auth/resolve";
 * import assert from "node:assert/strict";
 *
 * setToken("hf_sandbox_write_bob");
 * clearToken();
 * assert.deepEqual(sessionState().resolution, undefined);
 * ```
 */
export function clearToken(): void {
  resetSession();
}
