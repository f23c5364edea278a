/**
 * `login()`: the one call a notebook needs to get going: find the token
 * (prompting if there is none), check it with the Hub, show what it can do,
 * and optionally save it where `hf`, Python and this module all find it.
 *
 * @module
 */

import { redact } from "../_mask.ts";
import { TokenNotFoundError } from "../errors.ts";
import { inJupyterKernel, stdinIsTerminal } from "../sources/platform.ts";
import { sessionState } from "../resolve/session_cache.ts";
import { explicitResolution } from "../resolve/_explicit_resolution.ts";
import type { Diagnostic } from "./types.ts";
import { Validation } from "./validation.ts";
import { whoami, type WhoamiOptions } from "./whoami.ts";

/** Options of {@linkcode login}. */
export interface LoginOptions extends WhoamiOptions {
  /**
   * Also save the token (in huggingface_hub's `stored_tokens` and as the
   * active token file) when the Hub accepts it. Default: `false` for a token
   * found or typed in; a browser login is saved unless this is `false`.
   */
  persist?: boolean;
  /** Name to save the token under (with `persist`). Default: `"default"`. */
  name?: string;
  /** Save even if the Hub did not accept the token (with `persist`). Default: `false`. */
  force?: boolean;
  /**
   * How to log in when no source has a token: `"browser"` (default when
   * someone can answer: a Deno kernel or a terminal) runs {@linkcode browserLogin},
   * saved unless `persist: false`; `"token"` shows the password box instead.
   */
  method?: "browser" | "token";
}

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

function withDiagnostic(v: Validation, d: Diagnostic): Validation {
  const diagnostics = [...v.diagnostics, d]
    .map((x, i) => ({ x, i }))
    .sort((a, b) => SEVERITY_RANK[a.x.severity] - SEVERITY_RANK[b.x.severity] || a.i - b.i)
    .map(({ x }) => x);
  return new Validation({ ...v.toJSON(), diagnostics });
}

/**
 * Resolves the token, checks it with the Hub and returns the
 * {@linkcode Validation}: leave it as the last expression of a cell to see the
 * card. When no source has a token and someone can answer (a Deno kernel or a
 * terminal), it logs in through the browser (`browserLogin()`, the OAuth
 * device code as `hf auth login`; saved unless `persist: false`); with
 * `method: "token"` it shows the password box (hidden input in a terminal)
 * instead. A token passed as `token` that the Hub accepts becomes the
 * session's token.
 *
 * With `persist: true` the token is saved (see `saveToken`) only if the Hub
 * accepted it; otherwise nothing is written and the card says so (an error
 * diagnostic `not-saved`), unless `force: true`. A failure to write becomes a
 * `save-failed` diagnostic, not an exception. `refresh: true` re-reads the
 * token sources and asks the Hub again.
 *
 * @example Usage
 * ```ts
 * import { login } from "@hf-notebook/auth";
 * import { PERSONAS, startSandbox } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * const sandbox = await startSandbox({ quiet: true });
 * const home = await Deno.makeTempDir();
 * try {
 *   const env = { ...sandbox.env, HF_HOME: home };
 *   const ok = await login({ token: PERSONAS.write.token, env, persist: true, name: "demo" });
 *   assert.deepEqual(ok.verdict, "valid");
 *   assert.deepEqual(ok.diagnostics.some((d) => d.code === "token-saved"), true);
 *
 *   const bad = await login({ token: PERSONAS.revoked.token, env, persist: true });
 *   assert.deepEqual(bad.verdict, "invalid");
 *   assert.deepEqual(bad.diagnostics.some((d) => d.code === "not-saved"), true);
 * } finally {
 *   await sandbox.close();
 *   await Deno.remove(home, { recursive: true });
 * }
 * ```
 *
 * @param options Resolve options (`token`, `prompt`, `env`, …), network options,
 *   `persist`, `name`, `force`, `refresh`.
 * @returns The validation, with a `token-saved` / `not-saved` / `save-failed`
 *   diagnostic when `persist` was asked.
 * @throws {TokenNotFoundError} when no token was found and none was typed in.
 * @throws {DeviceCodeError} when the browser login was denied, expired, cancelled or failed.
 */
export async function login(options: LoginOptions = {}): Promise<Validation> {
  let resolution = options.resolution;
  if (!resolution && options.token !== undefined) {
    resolution = explicitResolution(options.token, options.env);
  }
  if (!resolution) {
    const { resolveToken } = await import("../resolve/resolve_token.ts");
    const {
      resolution: _r,
      persist: _p,
      name: _n,
      force: _f,
      timeoutMs: _t,
      method,
      ...rest
    } = options;
    const browser = method !== "token" && (rest.prompt ?? true) &&
      (method === "browser" || inJupyterKernel() || stdinIsTerminal());
    if (browser) {
      try {
        resolution = await resolveToken({ ...rest, prompt: false });
      } catch (error) {
        if (!(error instanceof TokenNotFoundError)) throw error;
        const { browserLogin } = await import("./browser_login.ts");
        return await browserLogin({ ...options, persist: options.persist ?? true });
      }
    } else {
      resolution = await resolveToken(rest);
    }
  }
  let validation = await whoami({ ...options, token: undefined, resolution });

  const state = sessionState();
  if (options.token !== undefined && (validation.ok || validation.verdict === "offline")) {
    state.resolution = resolution;
  }

  if (!options.persist) return validation;
  const name = options.name ?? "default";
  if (!validation.ok && !options.force) {
    return withDiagnostic(validation, {
      code: "not-saved",
      severity: "error",
      message: `Nothing was saved: the token's verdict is "${validation.verdict}", not "valid".`,
      fix: "Fix the token as described here and call login({ persist: true }) again, or pass " +
        "force: true to save it anyway.",
    });
  }
  try {
    const { saveToken } = await import("../store/save_token.ts");
    const result = await saveToken(resolution.token, { name, env: options.env });
    return withDiagnostic(validation, {
      code: "token-saved",
      severity: "info",
      message: `Saved as "${name}" in ${result.changed.join(" and ")}` +
        (result.active ? "; it is now the active token for hf, Python and this module." : "."),
      fix: `Nothing to do; forgetToken({ name: ${JSON.stringify(name)} }) removes it again.`,
    });
  } catch (error) {
    const message = redact(error instanceof Error ? error.message : String(error), [
      resolution.token,
    ]);
    validation = withDiagnostic(validation, {
      code: "save-failed",
      severity: "error",
      message: `The token could not be saved: ${message}`,
      fix: "Check that HF_HOME (or ~/.cache/huggingface) is writable, or keep the token in " +
        "HF_TOKEN / a secret store instead.",
    });
    return validation;
  }
}
