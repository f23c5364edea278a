/**
 * The Hugging Face token file (what `hf auth login` writes; see
 * {@linkcode tokenPaths} for where it is).
 *
 * @module
 */

import { displayPath, pathSettingNotes, tokenPaths } from "../store/paths.ts";
import { readSecretFile } from "./_read_secret_file.ts";
import { worldReadableWarning } from "./file_secrets.ts";
import type { TokenSource } from "./types.ts";

/**
 * The token-file source. Its id names the file with `~` for the home directory.
 *
 * @example Usage
 * ```ts
 * import { tokenFileSource } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * const home = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${home}/token`, "hf_sandbox_read_alice", { mode: 0o600 });
 * const env = { HF_HOME: home };
 * const hit = await tokenFileSource({ env }).lookup({ env, cwd: ".", fetch });
 * assert.deepEqual(hit.value, "hf_sandbox_read_alice");
 * await Deno.remove(home, { recursive: true });
 * ```
 *
 * @param options The environment used to locate the file.
 * @returns The source.
 */
export function tokenFileSource(options: { env?: import("../_env.ts").EnvLike } = {}): TokenSource {
  const path = tokenPaths(options).tokenPath;
  const id = `file:${displayPath(path, options.env)}`;
  return {
    id,
    kind: "file",
    async lookup(ctx) {
      // Settings huggingface_hub reads differently (HF_HOME="" …): said wherever the file is used.
      const notes = pathSettingNotes(options.env);
      const also = notes.map((n) => ` ${n.message} ${n.fix}`).join("");
      const read = await readSecretFile(path, "The token file", ctx.session?.stats);
      if (read.kind === "missing") {
        return {
          outcome: "not-found",
          detail: `${path} does not exist (no \`hf auth login\` yet)${also}`,
        };
      }
      if (read.kind === "error") return { outcome: "error", detail: read.message + also };
      return {
        outcome: "found",
        value: read.text,
        warnings: [
          ...(read.worldReadable
            ? [{ code: "world-readable" as const, source: id, message: worldReadableWarning(path) }]
            : []),
          ...notes.map((n) => ({ code: "tools-differ" as const, source: id, ...n })),
        ],
      };
    },
  };
}
