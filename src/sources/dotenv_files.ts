/**
 * `.env.local` and `.env` in the working directory, parsed with `node:util`
 * `parseEnv` and never exported into the process environment. Malformed
 * entries for token names (unclosed quotes, values split across lines,
 * duplicate keys) are reported precisely.
 *
 * @module
 */

import { join } from "./_path.ts";
import { readSecretFile } from "./_read_secret_file.ts";
import { ALL_TOKEN_NAMES, LEGACY_ENV_NAMES, legacyAliasWarning } from "./env_vars.ts";
import { worldReadableWarning } from "./file_secrets.ts";
import type { SourceLookup, TokenSource, TokenWarning } from "./types.ts";

/**
 * The files read, in order.
 *
 * @example Usage
 * ```ts
 * import { DOTENV_FILES } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([...DOTENV_FILES], [".env.local", ".env"]);
 * ```
 */
export const DOTENV_FILES = [".env.local", ".env"] as const;

function lineOf(text: string, key: string): number[] {
  const lines = text.split(/\r?\n/);
  const re = new RegExp(`^\\s*(?:export\\s+)?${key}\\s*=`);
  return lines.flatMap((line, i) => re.test(line) ? [i + 1] : []);
}

/**
 * Looks the token names up in one dotenv text.
 *
 * @param text File content.
 * @param file File name for source ids (e.g. `.env.local`).
 * @param names Names to look for, in order.
 * @param parseEnv `node:util`'s `parseEnv` (passed in so that node:util loads lazily).
 */
export function lookupDotenv(
  text: string,
  file: string,
  names: readonly string[],
  parseEnv: (text: string) => object,
): SourceLookup {
  const clean = text.replace(/^\uFEFF/, "");
  let parsed: Record<string, string>;
  try {
    parsed = parseEnv(clean) as Record<string, string>;
  } catch (error) {
    return { outcome: "error", detail: `${file} could not be parsed: ${String(error)}` };
  }
  for (const name of names) {
    const value = parsed[name];
    if (value === undefined) continue;
    const source = `dotenv:${file}:${name}`;
    const warnings: TokenWarning[] = [];
    const lines = lineOf(clean, name);
    if (lines.length > 1) {
      warnings.push({
        code: "other",
        source,
        message: `${name} is defined ${lines.length} times in ${file} (lines ${
          lines.join(", ")
        }); the last one is used.`,
        fix: `Keep one ${name}= line in ${file}.`,
      });
    }
    const at = lines.at(-1) ?? 0;
    if (/^["'`]/.test(value) && !/^(["'`]).*\1$/s.test(value)) {
      return {
        outcome: "error",
        source,
        detail: `${name} in ${file} (line ${at}) opens a quote that is never closed. Write it as ` +
          `${name}=hf_… with no quotes, or close the quote on the same line.`,
      };
    }
    if (/[\r\n]/.test(value)) {
      return {
        outcome: "error",
        source,
        detail: `${name} in ${file} (line ${at}) is a quoted value split across several lines. ` +
          `Put the whole token on one line.`,
      };
    }
    const next = at > 0 ? clean.split(/\r?\n/)[at] : undefined;
    if (next !== undefined && /^[A-Za-z0-9_-]+$/.test(next.trim()) && !/^\s*#/.test(next)) {
      // An unquoted token wrapped onto the next line: parseEnv keeps only the first part.
      return {
        outcome: "error",
        source,
        detail: `${name} in ${file} (line ${at}) seems to continue on line ${at + 1} (a token ` +
          `split across lines); only the first part would be used. Put the whole token on line ` +
          `${at}.`,
      };
    }
    if ((LEGACY_ENV_NAMES as readonly string[]).includes(name)) {
      warnings.push(legacyAliasWarning(name, source));
    }
    return { outcome: "found", value, source, warnings };
  }
  return {
    outcome: "not-found",
    detail: `no ${names.slice(0, 2).join("/")} (or alias) in ${file}`,
  };
}

/**
 * One source per dotenv file.
 *
 * @example Usage
 * ```ts
 * import { dotenvSources } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * const cwd = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${cwd}/.env.local`, "HUGGINGFACE_API_KEY=hf_sandbox_read_alice\n");
 * const [local] = dotenvSources();
 * const hit = await local.lookup({ env: {}, cwd, fetch });
 * assert.deepEqual(hit.source, "dotenv:.env.local:HUGGINGFACE_API_KEY");
 * await Deno.remove(cwd, { recursive: true });
 * ```
 *
 * @param files File names relative to the working directory.
 * @param names Variable names to look for.
 * @returns The sources.
 */
export function dotenvSources(
  files: readonly string[] = DOTENV_FILES,
  names: readonly string[] = ALL_TOKEN_NAMES,
): TokenSource[] {
  return files.map((file) => ({
    id: `dotenv:${file}`,
    kind: "dotenv" as const,
    async lookup(ctx) {
      const path = join(ctx.cwd, file);
      const read = await readSecretFile(path, "The dotenv file", ctx.session?.stats);
      if (read.kind === "missing") {
        return { outcome: "not-found", detail: `no ${file} in ${ctx.cwd}` };
      }
      if (read.kind === "error") return { outcome: "error", detail: read.message };
      // node:util is loaded only when a dotenv file exists: importing any node: module costs
      // ~25 ms (Node compatibility layer), too much for every `import "@hf-notebook/auth"`.
      const { parseEnv } = await import("node:util");
      const hit = lookupDotenv(read.text, file, names, parseEnv);
      if (hit.outcome === "found" && read.worldReadable) {
        hit.warnings = [...(hit.warnings ?? []), {
          code: "world-readable",
          source: hit.source!,
          message: worldReadableWarning(path),
        }];
      }
      return hit;
    },
  }));
}
