/**
 * The ordered list of token sources (everything but the session cache, the
 * explicit token and the prompt), built from the options.
 *
 * @module
 */

import type { EnvLike } from "../_env.ts";
import { DOTENV_FILES, dotenvSources } from "../sources/dotenv_files.ts";
import { ALL_TOKEN_NAMES, envSources } from "../sources/env_vars.ts";
import {
  credentialsDirectoryStore,
  mountedSecretStore,
  runSecretsStore,
} from "../sources/file_secrets.ts";
import { kaggleSecretStore } from "../sources/kaggle_secrets.ts";
import type { SecretStore } from "../sources/secret_store.ts";
import { SECRET_NAMES, secretFileSources, secretStoreSources } from "../sources/secret_sources.ts";
import { tokenFileSource } from "../sources/token_file.ts";
import type { SourceContext, TokenSource } from "../sources/types.ts";
import { sessionState } from "./session_cache.ts";

/** Options that choose which sources are consulted. */
export interface SourceListOptions {
  /** Environment (default `Deno.env`). */
  env?: EnvLike;
  /** Your own secret stores, consulted first. */
  stores?: SecretStore[];
  /** Secret names to look up in stores (default `HF_TOKEN`, `HUGGING_FACE_HUB_TOKEN`). */
  secretNames?: string[];
  /** Directories of mounted secret files (default `/run/secrets` and `$CREDENTIALS_DIRECTORY`). */
  mountedSecretDirs?: string[];
  /** Extra files that each hold a token (e.g. a Drive file: seed 002). */
  secretFiles?: string[];
  /** Whether Kaggle user secrets are consulted (default: when `KAGGLE_USER_SECRETS_TOKEN` is set). */
  kaggle?: boolean;
  /** Variable names read from the environment and `.env` files (default: HF_TOKEN, then aliases). */
  envNames?: string[];
  /** Dotenv files in the working directory (default `.env.local`, `.env`); `false` disables. */
  dotenv?: string[] | false;
  /** Whether the Hugging Face token file is read (default true). */
  tokenFile?: boolean;
}

/**
 * Builds the ordered source list: secret stores → environment → dotenv files → token file.
 *
 * @example Usage
 * ```ts
 * import { buildSourceList } from "@hf-notebook/auth/resolve";
 * import assert from "node:assert/strict";
 *
 * const ids = buildSourceList({ env: { HOME: "/home/ada" }, mountedSecretDirs: [] }).map((s) => s.id);
 * assert.deepEqual(ids.slice(2, 4), ["env:HF_TOKEN", "env:HUGGING_FACE_HUB_TOKEN"]);
 * assert.deepEqual(ids.at(-1), "file:~/.cache/huggingface/token");
 * ```
 *
 * @param options What to consult.
 * @returns The sources, in order.
 */
export function buildSourceList(options: SourceListOptions = {}): TokenSource[] {
  const names = options.envNames ?? ALL_TOKEN_NAMES;
  return [
    ...secretStoreSources(secretStores(options), options.secretNames ?? SECRET_NAMES),
    ...secretFileSources(options.secretFiles ?? []),
    ...envSources(names),
    ...(options.dotenv === false ? [] : dotenvSources(options.dotenv ?? DOTENV_FILES, names)),
    ...(options.tokenFile ?? true ? [tokenFileSource({ env: options.env })] : []),
  ];
}

/**
 * The secret stores consulted, in order: yours, Kaggle's (unless `kaggle: false`), then the
 * mounted secret directories (default `/run/secrets` and `$CREDENTIALS_DIRECTORY`). Shared by
 * token resolution and `secrets.get`.
 */
export function secretStores(
  options: Pick<SourceListOptions, "stores" | "kaggle" | "mountedSecretDirs"> = {},
): SecretStore[] {
  return [
    ...(options.stores ?? []),
    ...(options.kaggle ?? true ? [kaggleSecretStore] : []),
    ...(options.mountedSecretDirs
      ? options.mountedSecretDirs.map((dir) => mountedSecretStore(dir))
      : [runSecretsStore, credentialsDirectoryStore]),
  ];
}

/**
 * What every source look-up gets, from the options (defaults: `Deno.env`, `Deno.cwd()`, `fetch`)
 * and the session cache.
 */
export function sourceContext(
  options: { env?: EnvLike; cwd?: string; fetch?: typeof fetch; signal?: AbortSignal } = {},
): SourceContext {
  let cwd = options.cwd;
  if (cwd === undefined) {
    try {
      cwd = Deno.cwd();
    } catch {
      cwd = ".";
    }
  }
  return {
    env: options.env ?? Deno.env,
    cwd,
    fetch: options.fetch ?? globalThis.fetch,
    signal: options.signal,
    // The sources remember negative look-ups and count file reads in the session cache,
    // which they get here rather than import (they sit below this layer).
    session: sessionState(),
  };
}
