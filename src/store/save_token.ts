/**
 * Opt-in persistence, in huggingface_hub's own files so that `hf`, Python and
 * this module share one login: `saveToken` writes the named token into
 * `stored_tokens` and makes it the active token file; `forgetToken` removes
 * what it is told to; `switchToken` activates a stored name. Every write is
 * atomic with mode 0600, under a lock, and keeps every other stored token.
 *
 * @module
 */

import type { EnvLike } from "../_env.ts";
import { tokensForgotten } from "../_forgotten_tokens.ts";
import { maskToken } from "../_mask.ts";
import { TokenStorageError } from "../errors.ts";
import { normalizeToken } from "../sources/normalize_token.ts";
import { readSecretFile } from "../sources/_read_secret_file.ts";
import { tokenPaths } from "./paths.ts";
import {
  looksLikeToken,
  parseStoredTokensFile,
  refuseUnsafeTokenName,
  sectionToken,
  setStoredSection,
  showTokenName,
  showTokenNames,
  type StoredTokenFields,
  type StoredTokensFile,
  validateTokenName,
} from "./stored_tokens_ini.ts";

/** The writer (lock + atomic write), loaded on the first write: importing stays cheap. */
const loadWriter = () => import("./_atomic_write.ts");

/** Options shared by the persistence functions. */
export interface StoreOptions {
  /** Environment used to locate the files (`HF_HOME`, `HF_TOKEN_PATH`, …). Default `Deno.env`. */
  env?: EnvLike;
  /** Test hook passed to the atomic writer (runs before each rename). */
  beforeRename?: (tempPath: string) => void | Promise<void>;
}

/** How a section without `hf_token` is listed (huggingface_hub's `hf auth list` wording). */
export const NOT_SET = "<not set>";

/** What {@linkcode saveToken} stores besides the token. */
export interface SaveTokenOptions {
  /** The name (section) to store it under. Default `"default"`. */
  name?: string;
  /** Whether the token file should hold it afterwards. Default `true`. */
  activate?: boolean;
  /** A browser login's OAuth refresh token (stored as `refresh_token`). */
  refreshToken?: string;
  /** When the access token expires, unix seconds (stored as `expires_at`). */
  expiresAt?: number;
}

function sectionFields(token: string, options: SaveTokenOptions): StoredTokenFields {
  const fields: StoredTokenFields = { hf_token: token };
  if (options.refreshToken !== undefined) {
    const rt = options.refreshToken.trim();
    if (!rt || /[\r\n]/.test(rt)) {
      throw new TypeError("saveToken(): refreshToken must be a non-empty single-line string.");
    }
    fields.refresh_token = rt;
  }
  if (options.expiresAt !== undefined) {
    if (!Number.isFinite(options.expiresAt) || options.expiresAt <= 0) {
      throw new TypeError(
        "saveToken(): expiresAt must be a positive number of seconds since 1970 (unix time).",
      );
    }
    fields.expires_at = String(Math.floor(options.expiresAt));
  }
  return fields;
}

/** What a persistence call changed. */
export interface StoreResult {
  /** Token name concerned (if any). */
  name?: string;
  /** Masked token concerned (if any). */
  masked?: string;
  /** Files written or removed. */
  changed: string[];
  /** Whether the active token file now holds this token (or was removed). */
  active: boolean;
}

/** Reads and parses `stored_tokens` (an empty file when missing). */
export async function readStoredFile(path: string): Promise<StoredTokensFile> {
  const read = await readSecretFile(path, "The stored tokens file");
  if (read.kind === "missing") return { text: "", sections: [] };
  if (read.kind === "error") throw new TokenStorageError(path, read.message);
  return parseStoredTokensFile(read.text, path);
}

/** Token by name; a section without `hf_token` maps to `undefined` (huggingface_hub: `<not set>`). */
async function readStored(path: string): Promise<Map<string, string | undefined>> {
  const file = await readStoredFile(path);
  return new Map(file.sections.map((s) => [s.name, sectionToken(s.fields)]));
}

/** Reads the active token file (trimmed), `undefined` when missing or empty. */
export async function readActive(path: string): Promise<string | undefined> {
  const read = await readSecretFile(path, "The token file");
  if (read.kind === "missing") return undefined;
  if (read.kind === "error") throw new TokenStorageError(path, read.message);
  return read.text.trim() || undefined;
}

/**
 * Saves a token under a name (in `stored_tokens`) and, unless
 * `activate: false`, makes it the active token (the token file). The name's
 * section is replaced whole (as huggingface_hub's `_save_token`): a browser
 * login passes `refreshToken` and `expiresAt`; saving a plain token under that
 * name drops them. Every other section stays byte for byte. Runs under the
 * `stored_tokens.lock` flock huggingface_hub also takes.
 *
 * @example Usage
 * ```ts
 * import { saveToken } from "@hf-notebook/auth";
 * import { tokenPaths } from "@hf-notebook/auth/store";
 * import assert from "node:assert/strict";
 *
 * const home = await Deno.makeTempDir();
 * const env = { HF_HOME: home };
 * await saveToken("hf_sandbox_read_alice", { name: "notebook", env });
 * assert.deepEqual(await Deno.readTextFile(tokenPaths({ env }).tokenPath), "hf_sandbox_read_alice");
 * assert.deepEqual((await Deno.stat(tokenPaths({ env }).tokenPath)).mode! & 0o777, 0o600);
 * await Deno.remove(home, { recursive: true });
 * ```
 *
 * @param token The token (cleaned like any other source).
 * @param options `name` (default `"default"`), `activate` (default true),
 *   `refreshToken` and `expiresAt` (unix seconds) for a browser login, environment.
 * @returns What changed.
 */
export async function saveToken(
  token: string,
  options: StoreOptions & SaveTokenOptions = {},
): Promise<StoreResult> {
  const name = options.name ?? "default";
  validateTokenName(name);
  const clean = normalizeToken(token, "saveToken()").token;
  const fields = sectionFields(clean, options);
  const { tokenPath, storedTokensPath } = tokenPaths(options);
  const { atomicWrite, withFileLock } = await loadWriter();
  return await withFileLock(storedTokensPath, async () => {
    const file = await readStoredFile(storedTokensPath);
    await atomicWrite(storedTokensPath, setStoredSection(file, name, fields), options);
    const changed = [storedTokensPath];
    if (options.activate ?? true) {
      await atomicWrite(tokenPath, clean, options);
      changed.push(tokenPath);
    }
    return { name, masked: maskToken(clean), changed, active: options.activate ?? true };
  });
}

/**
 * Forgets stored tokens, touching nothing else:
 * - `{ name }`: removes that name from `stored_tokens`; if it is also the
 *   active token, removes the token file too (as `hf auth logout --token-name`);
 * - `{ all: true }`: removes the token file and `stored_tokens`;
 * - `{}`: removes only the active token file; named tokens stay.
 * The session cache is cleared if it held a forgotten token.
 *
 * @example Usage
 * ```ts
 * import { forgetToken, saveToken } from "@hf-notebook/auth";
 * import { tokenPaths } from "@hf-notebook/auth/store";
 * import assert from "node:assert/strict";
 *
 * const home = await Deno.makeTempDir();
 * const env = { HF_HOME: home };
 * await saveToken("hf_sandbox_read_alice", { name: "a", env });
 * await saveToken("hf_sandbox_write_bob", { name: "b", env, activate: false });
 * await forgetToken({ name: "b", env });
 * assert.deepEqual(await Deno.readTextFile(tokenPaths({ env }).storedTokensPath), "[a]\nhf_token = hf_sandbox_read_alice\n\n");
 * await Deno.remove(home, { recursive: true });
 * ```
 *
 * @param options What to forget and the environment.
 * @returns What changed.
 */
export async function forgetToken(
  options: StoreOptions & { name?: string; all?: boolean } = {},
): Promise<StoreResult> {
  const { tokenPath, storedTokensPath } = tokenPaths(options);
  const { atomicWrite, withFileLock } = await loadWriter();
  return await withFileLock(storedTokensPath, async () => {
    const changed: string[] = [];
    const forgotten: string[] = [];
    const active = await readActive(tokenPath);
    const removeActive = async () => {
      await Deno.remove(tokenPath).catch((error) => {
        if (!(error instanceof Deno.errors.NotFound)) {
          throw new TokenStorageError(tokenPath, `Could not remove ${tokenPath}: ${error}.`);
        }
      });
      changed.push(tokenPath);
      if (active) forgotten.push(active);
    };
    if (options.all) {
      const stored = await readStored(storedTokensPath).catch(() => new Map());
      forgotten.push(...[...stored.values()].filter((t) => t !== undefined));
      // The lock file stays: huggingface_hub may be holding it (it is never deleted).
      if (active) await removeActive();
      await Deno.remove(storedTokensPath).then(() => changed.push(storedTokensPath), (error) => {
        if (!(error instanceof Deno.errors.NotFound)) {
          throw new TokenStorageError(storedTokensPath, `Could not remove it: ${error}.`);
        }
      });
    } else if (options.name !== undefined) {
      const file = await readStoredFile(storedTokensPath);
      const section = file.sections.find((s) => s.name === options.name);
      if (section === undefined) {
        throw new TokenStorageError(
          storedTokensPath,
          `No stored token is named ${showTokenName(options.name)}. Stored names: ${
            showTokenNames(file.sections.map((s) => s.name))
          }. Nothing was changed.`,
        );
      }
      const token = sectionToken(section.fields);
      if (token !== undefined) forgotten.push(token);
      await atomicWrite(storedTokensPath, setStoredSection(file, options.name, undefined), options);
      changed.push(storedTokensPath);
      if (token !== undefined && active === token) await removeActive();
    } else if (active) {
      await removeActive();
    }
    // The session cache (a layer above) listens and drops a resolution holding one of them.
    tokensForgotten(forgotten);
    return { name: options.name, changed, active: false };
  });
}

/**
 * Makes a stored named token the active one (like `hf auth switch`).
 *
 * @example Usage
 * ```ts
 * import { saveToken, switchToken } from "@hf-notebook/auth";
 * import { tokenPaths } from "@hf-notebook/auth/store";
 * import assert from "node:assert/strict";
 *
 * const home = await Deno.makeTempDir();
 * const env = { HF_HOME: home };
 * await saveToken("hf_sandbox_read_alice", { name: "a", env });
 * await saveToken("hf_sandbox_write_bob", { name: "b", env });
 * await switchToken("a", { env });
 * assert.deepEqual(await Deno.readTextFile(tokenPaths({ env }).tokenPath), "hf_sandbox_read_alice");
 * await Deno.remove(home, { recursive: true });
 * ```
 *
 * @param name The stored name.
 * @param options Environment.
 * @returns What changed.
 */
export async function switchToken(name: string, options: StoreOptions = {}): Promise<StoreResult> {
  if (!looksLikeToken(name)) refuseUnsafeTokenName(name);
  const { tokenPath, storedTokensPath } = tokenPaths(options);
  const { atomicWrite, withFileLock } = await loadWriter();
  return await withFileLock(storedTokensPath, async () => {
    const stored = await readStored(storedTokensPath);
    const token = stored.get(name);
    if (stored.has(name) && token === undefined) {
      throw new TokenStorageError(
        storedTokensPath,
        `The stored name ${showTokenName(name)} has no token (its section in ` +
          `${storedTokensPath} has no "hf_token = …" line; \`hf auth list\` shows it as ` +
          `<not set>). Nothing was changed. Save one under that name with saveToken(token, ` +
          `{ name }), or pick another name.`,
      );
    }
    if (token === undefined) {
      throw new TokenStorageError(
        storedTokensPath,
        `No stored token is named ${showTokenName(name)}. Stored names: ${
          showTokenNames(stored.keys())
        }. Save one with saveToken(token, { name }) or \`deno task hf login --persist --name ${
          looksLikeToken(name) ? "<name>" : showTokenName(name)
        }\`.`,
      );
    }
    await atomicWrite(tokenPath, token, options);
    return { name, masked: maskToken(token), changed: [tokenPath], active: true };
  });
}

/** One stored token, as listed by {@linkcode listStoredTokens}. */
export interface StoredTokenInfo {
  /** Its name. */
  name: string;
  /** Masked token; `"<not set>"` for a section without `hf_token` (as `hf auth list` shows it). */
  masked: string;
  /** Whether it is the active token file's token. */
  active: boolean;
  /**
   * For a browser login (a section with `refresh_token` or `expires_at`, as
   * `hf auth login` ≥ 1.20 writes it): when the access token expires (ISO
   * 8601, absent if unknown) and whether it renews itself (a refresh token is
   * stored).
   */
  browserLogin?: { expiresAt?: string; renews: boolean };
}

/**
 * One line about a browser login for lists and messages, e.g. `browser login,
 * expires 2026-01-01, renews itself`.
 *
 * @example Usage
 * ```ts
 * import { describeBrowserLogin } from "@hf-notebook/auth/store";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   describeBrowserLogin({ expiresAt: "2026-01-01T00:00:00.000Z", renews: true }),
 *   "browser login, expires 2026-01-01, renews itself",
 * );
 * ```
 *
 * @param login The `browserLogin` of a {@linkcode StoredTokenInfo} or a resolution.
 * @returns The description.
 */
export function describeBrowserLogin(login: { expiresAt?: string; renews: boolean }): string {
  const expires = login.expiresAt ? `, expires ${login.expiresAt.slice(0, 10)}` : "";
  return `browser login${expires}, ${login.renews ? "renews itself" : "does not renew itself"}`;
}

/** Reads a section's browser-login metadata (`undefined` for a plain token). */
export function browserLoginInfo(
  fields: Record<string, string>,
): { expiresAt?: string; renews: boolean } | undefined {
  if (fields.refresh_token === undefined && fields.expires_at === undefined) return undefined;
  const seconds = /^\d+$/.test(fields.expires_at ?? "") ? Number(fields.expires_at) : undefined;
  return {
    ...(seconds !== undefined ? { expiresAt: new Date(seconds * 1000).toISOString() } : {}),
    renews: Boolean(fields.refresh_token),
  };
}

/**
 * Lists the stored named tokens (masked) and which one is active.
 *
 * @example Usage
 * ```ts
 * import { listStoredTokens, saveToken } from "@hf-notebook/auth";
 * import assert from "node:assert/strict";
 *
 * const home = await Deno.makeTempDir();
 * await saveToken("hf_sandbox_read_alice", { name: "a", env: { HF_HOME: home } });
 * assert.deepEqual(await listStoredTokens({ env: { HF_HOME: home } }), [
 *   { name: "a", masked: "hf_sa…ice", active: true },
 * ]);
 * await Deno.remove(home, { recursive: true });
 * ```
 *
 * @param options Environment.
 * @returns The tokens, in file order.
 */
export async function listStoredTokens(options: StoreOptions = {}): Promise<StoredTokenInfo[]> {
  const { tokenPath, storedTokensPath } = tokenPaths(options);
  const file = await readStoredFile(storedTokensPath);
  const active = await readActive(tokenPath);
  return file.sections.map((s) => {
    const login = browserLoginInfo(s.fields);
    const token = sectionToken(s.fields);
    return {
      name: s.name,
      masked: token === undefined ? NOT_SET : maskToken(token),
      active: token !== undefined && token === active,
      ...(login ? { browserLogin: login } : {}),
    };
  });
}
