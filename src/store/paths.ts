/**
 * Where huggingface_hub keeps tokens, resolved exactly as its `constants.py`
 * does: `HF_TOKEN_PATH`, else `$HF_HOME/token`, else
 * `$XDG_CACHE_HOME/huggingface/token`, else `~/.cache/huggingface/token`,
 * each with `~` and then `$VAR` / `${VAR}` expanded (`os.path.expandvars(
 * os.path.expanduser(…))`); the named tokens live in `stored_tokens` next to
 * the token file (huggingface_hub has no setting for it).
 *
 * One deliberate difference: a variable set to an empty (or blank) value is
 * treated as unset. huggingface_hub uses it as a relative path (`HF_HOME=""`
 * reads `./token` from whatever directory the program runs in, a project's
 * file an attacker could plant); {@linkcode pathSettingNotes} says so.
 *
 * @module
 */

import { join } from "../sources/_path.ts";
import { envGet, type EnvLike, envNonEmpty } from "../_env.ts";

/** Resolved token locations. */
export interface TokenPaths {
  /** The Hugging Face home (`HF_HOME`). */
  hfHome: string;
  /** The active token file (what `hf auth login` writes). */
  tokenPath: string;
  /** The INI file of named tokens. */
  storedTokensPath: string;
}

/**
 * `~` and `~/…` as Python's `os.path.expanduser` (POSIX): `$HOME` when it is
 * set (even empty; trailing slashes dropped), else `USERPROFILE`, else the
 * root (Python would ask the password database, which Deno cannot read).
 * `~user` is left as is.
 */
function expandUser(path: string, env?: EnvLike): string {
  if (path !== "~" && !path.startsWith("~/")) return path;
  const home = envGet(env, "HOME") ?? envGet(env, "USERPROFILE") ?? "";
  return (home.replace(/\/+$/, "") + path.slice(1)) || "/";
}

/**
 * `$NAME` and `${NAME}` as Python's `os.path.expandvars` (POSIX): a name is
 * ASCII letters, digits and `_`; a variable that is not set is left as it is
 * written; one that is set to "" is replaced by nothing; a value is not
 * expanded again.
 */
function expandVars(path: string, env?: EnvLike): string {
  if (!path.includes("$")) return path;
  return path.replace(/\$([A-Za-z0-9_]+|\{[^}]*\})/g, (whole, name: string) => {
    const key = name.startsWith("{") ? name.slice(1, -1) : name;
    return envGet(env, key) ?? whole;
  });
}

/** A path setting as huggingface_hub reads it: `expandvars(expanduser(value))`. */
function expandPath(path: string, env?: EnvLike): string {
  return expandVars(expandUser(path, env), env);
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
 * // $VAR and ${VAR} are expanded as huggingface_hub does (os.path.expandvars); unknown ones stay.
 * assert.deepEqual(tokenPaths({ env: { BASE: "/data", HF_HOME: "$BASE/hf" } }).tokenPath, "/data/hf/token");
 * assert.deepEqual(tokenPaths({ env: { HF_TOKEN_PATH: "${NOPE}/t" } }).tokenPath, "${NOPE}/t");
 * ```
 *
 * @param options The environment to read (default `Deno.env`).
 * @returns The paths.
 */
export function tokenPaths(options: { env?: EnvLike } = {}): TokenPaths {
  const { env } = options;
  const cache = envNonEmpty(env, "XDG_CACHE_HOME") ?? "~/.cache";
  const hfHome = expandPath(envNonEmpty(env, "HF_HOME") ?? join(cache, "huggingface"), env);
  const tokenPath = expandPath(envNonEmpty(env, "HF_TOKEN_PATH") ?? join(hfHome, "token"), env);
  // os.path.join(os.path.dirname(HF_TOKEN_PATH), "stored_tokens")
  const storedTokensPath = join(tokenPath, "..", "stored_tokens");
  return { hfHome, tokenPath, storedTokensPath };
}

/**
 * Notes on path settings that this module and huggingface_hub read
 * differently, where it matters for the token file: `HF_HOME` set to an empty
 * or blank value (huggingface_hub reads `./token` in whatever directory it
 * runs in; here it is unset), `XDG_CACHE_HOME` likewise when `HF_HOME` is not
 * set (`./huggingface/token`), and `HF_STORED_TOKENS_PATH` (no longer read:
 * huggingface_hub never did). An empty `HF_TOKEN_PATH` is not reported: test
 * harnesses set it to "" to hide the reader's own (huggingface_hub fails on it
 * with `IsADirectoryError`; here it is unset).
 *
 * @example Usage
 * ```ts ignore
 * pathSettingNotes({ HF_HOME: "" })[0].message; // "HF_HOME is set but empty: …"
 * ```
 *
 * @param env The environment.
 * @returns One note (what differs, what to do) per setting, none when the tools agree.
 */
export function pathSettingNotes(env?: EnvLike): { message: string; fix: string }[] {
  const notes: { message: string; fix: string }[] = [];
  const blank = (name: string) => {
    const value = envGet(env, name);
    return value === undefined || value.trim() !== "" ? undefined : value;
  };
  const note = (name: string, value: string, reads: string) =>
    notes.push({
      message: `${name} is set but ${value === "" ? "empty" : "blank"}: this module ignores ` +
        `it, while huggingface_hub (hf, Python) reads ${reads} relative to the directory it ` +
        `runs in, so the two tools use different token files.`,
      fix: `Unset ${name} or give it a full path.`,
    });
  if (envGet(env, "HF_TOKEN_PATH") === undefined) {
    const home = blank("HF_HOME");
    const cache = blank("XDG_CACHE_HOME");
    if (home !== undefined) note("HF_HOME", home, "./token");
    else if (envGet(env, "HF_HOME") === undefined && cache !== undefined) {
      note("XDG_CACHE_HOME", cache, "./huggingface/token");
    }
  }
  if (envNonEmpty(env, "HF_STORED_TOKENS_PATH") !== undefined) {
    notes.push({
      message: `HF_STORED_TOKENS_PATH is set but no longer read (huggingface_hub never read ` +
        `it): named tokens are in stored_tokens next to the token file.`,
      fix: "Unset HF_STORED_TOKENS_PATH.",
    });
  }
  return notes;
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
