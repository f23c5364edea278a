/**
 * `secrets.get(name)`: a Colab `userdata.get`-like lookup across the secret
 * stores (your stores, Kaggle user secrets, `/run/secrets`,
 * `$CREDENTIALS_DIRECTORY`), for any secret, not only the Hugging Face token.
 *
 * @module
 */

import { SecretAccessError, SecretNotFoundError } from "../errors.ts";
import { colabExplanation } from "../sources/colab.ts";
import { isColab } from "../sources/platform.ts";
import type { SecretStore } from "../sources/secret_store.ts";
import type { EnvLike } from "../_env.ts";
import { secretStores, sourceContext } from "./source_list.ts";

/** Options of `secrets.get`. */
export interface SecretsOptions {
  /** Your own stores, asked first. */
  stores?: SecretStore[];
  /** Mounted secret directories (default `/run/secrets` and `$CREDENTIALS_DIRECTORY`). */
  mountedSecretDirs?: string[];
  /** Environment (default `Deno.env`). */
  env?: EnvLike;
  /** fetch for Kaggle. */
  fetch?: typeof fetch;
  /** Cancels remote look-ups. */
  signal?: AbortSignal;
}

async function get(name: string, options: SecretsOptions = {}): Promise<string> {
  const ctx = sourceContext({ ...options, cwd: "." });
  const env = ctx.env;
  const stores = secretStores(options);
  const asked: string[] = [];
  const failures: SecretAccessError[] = [];
  for (const store of stores) {
    if (store.available && !store.available(ctx)) continue;
    asked.push(store.describe?.(ctx) ?? store.id);
    try {
      const found = await store.get(name, ctx);
      if (found !== undefined) return typeof found === "string" ? found.trim() : found.value.trim();
    } catch (error) {
      failures.push(
        error instanceof SecretAccessError
          ? error
          : new SecretAccessError(name, store.id, `${store.id}: ${String(error)}`, {
            cause: error,
          }),
      );
    }
  }
  if (failures.length > 0) {
    throw new SecretAccessError(
      name,
      failures[0].store,
      `Secret ${name} could not be read: ${failures.map((f) => f.message).join(" ")}`,
      { cause: failures[0] },
    );
  }
  const colab = isColab(env) ? `\n${colabExplanation(name)}` : "";
  throw new SecretNotFoundError(
    name,
    `Secret ${name} was not found. Stores asked: ${asked.join("; ") || "(none available here)"}. ` +
      `Add it to your platform's secrets (Kaggle: Add-ons → Secrets; Docker/Compose: ` +
      `/run/secrets/${name}; Spaces: Settings → Variables and secrets) or pass a store.${colab}`,
  );
}

/**
 * Named secrets, like Colab's `userdata`.
 *
 * @example Usage
 * ```ts
 * import { secrets } from "@hf-notebook/auth";
 * import { SecretNotFoundError } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * const store = { id: "vault", get: (n: string) => Promise.resolve(n === "DB" ? "s3cret" : undefined) };
 * assert.deepEqual(await secrets.get("DB", { stores: [store], env: {}, mountedSecretDirs: [] }), "s3cret");
 * await assert.rejects(() => secrets.get("NOPE", { stores: [store], env: {}, mountedSecretDirs: [] }), SecretNotFoundError);
 * ```
 */
export const secrets: {
  /** Returns the secret's value, or throws `SecretNotFoundError` / `SecretAccessError`. */
  get(name: string, options?: SecretsOptions): Promise<string>;
} = { get };
