/**
 * Turns secret stores into token sources: one source per (store, name), plus
 * one per extra file the caller names (seed 002's Drive file). Remote stores'
 * negative answers are cached for the session.
 *
 * @module
 */

import { SecretAccessError } from "../errors.ts";
import { readSecretFile } from "./_read_secret_file.ts";
import { worldReadableWarning } from "./file_secrets.ts";
import type { SecretStore } from "./secret_store.ts";
import type { SourceLookup, TokenSource } from "./types.ts";

/** The secret names looked up, in order (huggingface_hub's names). */
export const SECRET_NAMES = ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"] as const;

/**
 * One source per store and name.
 *
 * @param stores Stores in order.
 * @param names Secret names in order.
 * @returns The sources.
 */
export function secretStoreSources(
  stores: readonly SecretStore[],
  names: readonly string[] = SECRET_NAMES,
): TokenSource[] {
  return stores.flatMap((store) =>
    names.map((name): TokenSource => ({
      id: `secret:${store.id}:${name}`,
      kind: "secret",
      remote: store.remote,
      async lookup(ctx): Promise<SourceLookup> {
        if (store.available && !store.available(ctx)) {
          return { outcome: "not-found", detail: "not available here" };
        }
        const key = `${store.id}:${name}`;
        const negative = store.remote ? ctx.session?.negative : undefined;
        const cached = negative?.get(key);
        if (cached) return { ...cached, detail: `${cached.detail} (cached for this session)` };
        try {
          const found = await store.get(name, ctx);
          if (found === undefined) {
            const miss = { outcome: "not-found" as const, detail: `no secret named ${name}` };
            negative?.set(key, miss);
            return miss;
          }
          const value = typeof found === "string" ? found : found.value;
          const warnings = typeof found === "string" ? [] : found.warnings ?? [];
          return {
            outcome: "found",
            value,
            warnings: warnings.map((message) => ({
              code: /readable by other users/.test(message) ? "world-readable" : "other",
              source: `secret:${store.id}:${name}`,
              message,
            })),
          };
        } catch (error) {
          const detail = error instanceof SecretAccessError
            ? error.message
            : `the ${store.id} store failed: ${String(error)}`;
          const failure = { outcome: "error" as const, detail };
          negative?.set(key, failure);
          return failure;
        }
      },
    }))
  );
}

/**
 * One source per extra file that holds a token by itself.
 *
 * @param paths The files.
 * @returns The sources.
 */
export function secretFileSources(paths: readonly string[]): TokenSource[] {
  return paths.map((path): TokenSource => ({
    id: `secret:file:${path}`,
    kind: "secret",
    async lookup(ctx): Promise<SourceLookup> {
      const read = await readSecretFile(path, "The secret file", ctx.session?.stats);
      if (read.kind === "missing") {
        return { outcome: "not-found", detail: `${path} does not exist` };
      }
      if (read.kind === "error") return { outcome: "error", detail: read.message };
      return {
        outcome: "found",
        value: read.text,
        warnings: read.worldReadable
          ? [{
            code: "world-readable",
            source: `secret:file:${path}`,
            message: worldReadableWarning(path),
          }]
          : [],
      };
    },
  }));
}
