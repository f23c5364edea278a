/**
 * Where huggingface_hub keeps tokens, resolved exactly as its `constants.py`
 * does: `HF_TOKEN_PATH`, else `$HF_HOME/token`, else
 * `$XDG_CACHE_HOME/huggingface/token`, else `~/.cache/huggingface/token`; the
 * named tokens live in `stored_tokens` next to it (or `HF_STORED_TOKENS_PATH`).
 *
 * @module
 */

import { join } from "../sources/_path.ts";
import { type EnvLike, envNonEmpty } from "../_env.ts";

/** Resolved token locations. */
export interface TokenPaths {
  /** The Hugging Face home (`HF_HOME`). */
  hfHome: string;
  /** The active token file (what `hf auth login` writes). */
  tokenPath: string;
  /** The INI file of named tokens. */
  storedTokensPath: string;
}

function expandHome(path: string, env?: EnvLike): string {
  if (path === "~" || path.startsWith("~/")) {
    const home = envNonEmpty(env, "HOME") ?? envNonEmpty(env, "USERPROFILE") ?? "";
    return home + path.slice(1);
  }
  return path;
}

/**
 * Resolves the token file paths from the environment.
 *
 * @example Usage
 * ```ts
 * import { tokenPaths } from "@hf-notebook/auth/store";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(tokenPaths({ env: { HOME: "/home/ada" } }).tokenPath, "/home/ada/.cache/huggingface/token");
 * assert.deepEqual(tokenPaths({ env: { HF_HOME: "/data/hf" } }).storedTokensPath, "/data/hf/stored_tokens");
 * ```
 *
 * @param options The environment to read (default `Deno.env`).
 * @returns The paths.
 */
export function tokenPaths(options: { env?: EnvLike } = {}): TokenPaths {
  const { env } = options;
  const cache = envNonEmpty(env, "XDG_CACHE_HOME") ?? "~/.cache";
  const hfHome = expandHome(envNonEmpty(env, "HF_HOME") ?? join(cache, "huggingface"), env);
  const tokenPath = expandHome(envNonEmpty(env, "HF_TOKEN_PATH") ?? join(hfHome, "token"), env);
  const storedTokensPath = expandHome(
    envNonEmpty(env, "HF_STORED_TOKENS_PATH") ?? join(tokenPath, "..", "stored_tokens"),
    env,
  );
  return { hfHome, tokenPath, storedTokensPath: join(storedTokensPath) };
}

/**
 * Shows a path with the home directory abbreviated to `~`.
 *
 * @example Usage
 * ```ts
 * import { displayPath } from "@hf-notebook/auth/store";
 * import assert from "node:assert/strict";
 *
 * assert.equal(displayPath("/home/ada/.cache/huggingface/token", { HOME: "/home/ada" }), "~/.cache/huggingface/token");
 * ```
 */
export function displayPath(path: string, env?: EnvLike): string {
  const home = envNonEmpty(env, "HOME");
  return home && (path === home || path.startsWith(home + "/"))
    ? "~" + path.slice(home.length)
    : path;
}
