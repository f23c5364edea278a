/**
 * The small interface behind "Colab-style secrets": named secrets looked up in
 * a store (Kaggle user secrets, mounted secret files, or your own).
 *
 * @module
 */

import type { SourceContext } from "./types.ts";

/** A secret value with warnings about how it is kept (e.g. a world-readable file). */
export interface SecretValue {
  /** The secret. */
  value: string;
  /** Sentences for people; never the secret. */
  warnings?: string[];
}

/**
 * A store of named secrets. Implement it to plug in your own vault.
 *
 * @example A store backed by a Map
 * ```ts
 * import { getToken, type SecretStore } from "@hf-notebook/auth";
 * import assert from "node:assert/strict";
 *
 * const vault = new Map([["HF_TOKEN", "hf_sandbox_read_alice"]]);
 * const store: SecretStore = {
 *   id: "vault",
 *   get: (name) => Promise.resolve(vault.get(name)),
 * };
 * const token = await getToken({ stores: [store], env: {}, refresh: true, prompt: false });
 * assert.deepEqual(token, "hf_sandbox_read_alice");
 * ```
 */
export interface SecretStore {
  /** Short id used in source ids: `secret:<id>:<NAME>`. */
  readonly id: string;
  /** Remote stores' negative answers are cached for the session. */
  readonly remote?: boolean;
  /** Whether the store applies here at all (e.g. Kaggle only on Kaggle). Default: yes. */
  available?(ctx: SourceContext): boolean;
  /**
   * Looks a secret up. Resolves to `undefined` when the store has no such
   * secret (or to `{ value, warnings }` to attach warnings); throws
   * `SecretAccessError` when the store failed to answer.
   */
  get(name: string, ctx: SourceContext): Promise<string | SecretValue | undefined>;
  /** Where the store lives, for tables and messages. */
  describe?(ctx: SourceContext): string;
}
