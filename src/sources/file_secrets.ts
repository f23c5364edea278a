/**
 * Mounted secret files: `/run/secrets/<NAME>` (Docker and Compose secrets,
 * Kubernetes volumes, Spaces build secrets) and `$CREDENTIALS_DIRECTORY/<NAME>`
 * (systemd credentials). Each file holds one secret.
 *
 * @module
 */

import { join } from "./_path.ts";
import { envNonEmpty } from "../_env.ts";
import { SecretAccessError } from "../errors.ts";
import { readSecretFile } from "./_read_secret_file.ts";
import type { SecretStore } from "./secret_store.ts";
import type { SourceContext } from "./types.ts";

/** The warning for a secret file other users can read (as ssh warns about keys). */
export function worldReadableWarning(path: string): string {
  return `${path} is readable by other users of this machine. Run: chmod 600 ${path}`;
}

/** The default directory for mounted secrets. */
export const RUN_SECRETS_DIR = "/run/secrets";

/**
 * A store reading `<dir>/<NAME>` files. A world-readable secret file still
 * works, but resolution adds a warning.
 *
 * @example Usage
 * ```ts
 * import { mountedSecretStore } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/HF_TOKEN`, "hf_sandbox_read_alice\n", { mode: 0o600 });
 * const store = mountedSecretStore(dir);
 * const ctx = { env: {}, cwd: ".", fetch };
 * const found = await store.get("HF_TOKEN", ctx);
 * assert.deepEqual(typeof found === "object" && found.value.trim(), "hf_sandbox_read_alice");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param dir The directory, or a function of the context that returns it (or `undefined`).
 * @param id Store id in source ids (default `file:<dir>`).
 * @returns The store.
 */
export function mountedSecretStore(
  dir: string | ((ctx: SourceContext) => string | undefined),
  id?: string,
): SecretStore {
  const dirOf = (ctx: SourceContext) => typeof dir === "string" ? dir : dir(ctx);
  return {
    id: id ?? (typeof dir === "string" ? `file:${dir}` : "file"),
    available: (ctx) => dirOf(ctx) !== undefined,
    describe: (ctx) => `secret files in ${dirOf(ctx) ?? "(not set)"}`,
    async get(name, ctx) {
      const base = dirOf(ctx);
      if (!base) return undefined;
      if (!/^[A-Za-z0-9_.-]+$/.test(name) || name.startsWith(".")) {
        throw new SecretAccessError(
          name,
          `file:${base}`,
          `The secret name ${JSON.stringify(name)} is not a plain file name.`,
        );
      }
      const path = join(base, name);
      const read = await readSecretFile(path, "The secret file", ctx.session?.stats);
      if (read.kind === "missing") return undefined;
      if (read.kind === "error") throw new SecretAccessError(name, `file:${base}`, read.message);
      return {
        value: read.text,
        warnings: read.worldReadable ? [worldReadableWarning(path)] : [],
      };
    },
  };
}

/**
 * `/run/secrets/<NAME>`.
 *
 * @example Usage
 * ```ts
 * import { runSecretsStore } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * assert.equal(runSecretsStore.id, "run-secrets");
 * ```
 */
export const runSecretsStore: SecretStore = mountedSecretStore(RUN_SECRETS_DIR, "run-secrets");

/**
 * `$CREDENTIALS_DIRECTORY/<NAME>` (systemd credentials).
 *
 * @example Usage
 * ```ts
 * import { credentialsDirectoryStore } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * const ctx = { env: {}, cwd: ".", fetch };
 * assert.equal(credentialsDirectoryStore.available?.(ctx), false); // $CREDENTIALS_DIRECTORY unset
 * ```
 */
export const credentialsDirectoryStore: SecretStore = mountedSecretStore(
  (ctx) => envNonEmpty(ctx.env, "CREDENTIALS_DIRECTORY"),
  "credentials-directory",
);
