/**
 * Environment variables: huggingface_hub's names first (`HF_TOKEN`, then
 * `HUGGING_FACE_HUB_TOKEN`), then the legacy aliases the seeds' projects use
 * (a hit on one of these works but carries a warning recommending `HF_TOKEN`).
 *
 * @module
 */

import { envGet } from "../_env.ts";
import type { TokenSource } from "./types.ts";

/**
 * The names huggingface_hub reads, in its order.
 *
 * @example Usage
 * ```ts
 * import { TOKEN_ENV_NAMES } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([...TOKEN_ENV_NAMES], ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"]);
 * ```
 */
export const TOKEN_ENV_NAMES = ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"] as const;

/**
 * Legacy aliases seen in the wild (Spaces guides, `.env.local` files of web apps).
 *
 * @example Usage
 * ```ts
 * import { LEGACY_ENV_NAMES } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * assert.ok(LEGACY_ENV_NAMES.includes("HF_API_KEY"));
 * ```
 */
export const LEGACY_ENV_NAMES = [
  "HUGGINGFACE_HUB_TOKEN",
  "HF_API_KEY",
  "HUGGINGFACE_API_KEY",
  "HF_API_TOKEN",
] as const;

/** Every name looked up in the environment and in `.env` files, in order. */
export const ALL_TOKEN_NAMES: readonly string[] = [...TOKEN_ENV_NAMES, ...LEGACY_ENV_NAMES];

/** The warning for a token found under a legacy alias. */
export function legacyAliasWarning(name: string, source: string) {
  return {
    code: "legacy-env-alias" as const,
    source,
    message: `The token came from ${name}, a legacy name that Hugging Face's own libraries do ` +
      `not read.`,
    fix: `Rename it to HF_TOKEN so that huggingface_hub, transformers and the hf CLI find it too.`,
  };
}

/**
 * One source per variable name.
 *
 * @example Usage
 * ```ts
 * import { envSources } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * const [first] = envSources();
 * const hit = await first.lookup({ env: { HF_TOKEN: "hf_sandbox_read_alice" }, cwd: ".", fetch });
 * assert.deepEqual(hit.outcome, "found");
 * ```
 *
 * @param names Names to read (default {@linkcode ALL_TOKEN_NAMES}).
 * @returns The sources.
 */
export function envSources(names: readonly string[] = ALL_TOKEN_NAMES): TokenSource[] {
  return names.map((name) => ({
    id: `env:${name}`,
    kind: "env" as const,
    lookup(ctx) {
      const value = envGet(ctx.env, name);
      const first = envGet(ctx.env, TOKEN_ENV_NAMES[0]);
      if (name === TOKEN_ENV_NAMES[1] && first && first.trim() === "") {
        // huggingface_hub: `os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN")`,
        // then cleaned: a blank (but not empty) HF_TOKEN wins the `or` and cleans to nothing, so
        // HUGGING_FACE_HUB_TOKEN is never read and the token file is used. The same here.
        return Promise.resolve({
          outcome: "not-found" as const,
          detail: value === undefined
            ? "not set"
            : "skipped: HF_TOKEN is set to blanks, and huggingface_hub then ignores " +
              "HUGGING_FACE_HUB_TOKEN (unset HF_TOKEN to use it)",
        });
      }
      if (value === undefined) {
        return Promise.resolve({ outcome: "not-found" as const, detail: "not set" });
      }
      if (value.trim() === "") {
        // huggingface_hub treats an empty variable as unset; so do we, but say so.
        return Promise.resolve({
          outcome: "not-found" as const,
          detail: "set but empty (ignored)",
        });
      }
      const legacy = (LEGACY_ENV_NAMES as readonly string[]).includes(name);
      return Promise.resolve({
        outcome: "found" as const,
        value,
        warnings: legacy ? [legacyAliasWarning(name, `env:${name}`)] : [],
      });
    },
  }));
}
