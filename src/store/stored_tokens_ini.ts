/**
 * The `stored_tokens` INI file, in exactly the format Python's configparser
 * writes for huggingface_hub: sections sorted by name, each with one
 * `hf_token = …` line and a blank line after it. The parser is strict: a file
 * it cannot fully understand is reported, never rewritten (so nothing is lost).
 *
 * @module
 */

import { TokenStorageError } from "../errors.ts";

/**
 * Parses `stored_tokens`.
 *
 * @example Usage
 * ```ts
 * import { parseStoredTokens } from "@hf-notebook/auth/store";
 * import assert from "node:assert/strict";
 *
 * const text = "[work]\nhf_token = hf_sandbox_write_bob\n\n";
 * assert.deepEqual(parseStoredTokens(text, "stored_tokens").get("work"), "hf_sandbox_write_bob");
 * ```
 *
 * @param text File content.
 * @param path Path, for messages.
 * @returns Token by name, in file order.
 */
export function parseStoredTokens(text: string, path: string): Map<string, string> {
  const tokens = new Map<string, string>();
  const seen = new Map<string, number>();
  let section: string | undefined;
  let sectionLine = 0;
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const fail = (line: number, what: string): never => {
    throw new TokenStorageError(
      path,
      `${path} line ${line}: ${what}. The file was left untouched; fix or remove that line ` +
        `(or run \`hf auth logout\` / forgetToken({ all: true }) to start over).`,
    );
  };
  const closeSection = () => {
    if (section !== undefined && !tokens.has(section)) {
      fail(sectionLine, `section [${section}] has no "hf_token = …" entry`);
    }
  };
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const line = lines[i];
    if (/^\s*$/.test(line) || /^\s*[#;]/.test(line)) continue;
    if (/^\s/.test(line)) {
      fail(n, "an indented line continues the previous value (a token split across lines?)");
    }
    const header = /^\[([^\]]*)\]\s*$/.exec(line);
    if (header) {
      closeSection();
      section = header[1];
      sectionLine = n;
      if (section === "") fail(n, "a section header with an empty name");
      if (seen.has(section)) {
        fail(n, `section [${section}] appears twice (first on line ${seen.get(section)})`);
      }
      seen.set(section, n);
      continue;
    }
    if (line.startsWith("[")) fail(n, "a section header without its closing bracket");
    const kv = /^([^=:]+?)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (!kv) fail(n, "a line that is neither a [section] nor a key = value pair");
    if (section === undefined) fail(n, "an entry before any [section] header");
    const key = kv![1].trim().toLowerCase();
    if (key !== "hf_token") continue; // configparser keeps other keys; so do we (by ignoring).
    if (tokens.has(section!)) fail(n, `hf_token appears twice in section [${section}]`);
    if (kv![2] === "") fail(n, `hf_token in section [${section}] is empty`);
    tokens.set(section!, kv![2]);
  }
  closeSection();
  return tokens;
}

/**
 * Serialises named tokens exactly as huggingface_hub's `_save_stored_tokens`
 * (configparser) does.
 *
 * @example Usage
 * ```ts
 * import { serializeStoredTokens } from "@hf-notebook/auth/store";
 * import assert from "node:assert/strict";
 *
 * const text = serializeStoredTokens(new Map([["b", "hf_sandbox_b"], ["a", "hf_sandbox_a"]]));
 * assert.deepEqual(text, "[a]\nhf_token = hf_sandbox_a\n\n[b]\nhf_token = hf_sandbox_b\n\n");
 * ```
 *
 * @param tokens Token by name.
 * @returns The file content.
 */
export function serializeStoredTokens(tokens: ReadonlyMap<string, string>): string {
  return [...tokens.keys()].sort(pythonSort).map((name) =>
    `[${name}]\nhf_token = ${tokens.get(name)}\n\n`
  ).join("");
}

/** Python's `sorted()` on str compares code points; so does this. */
function pythonSort(a: string, b: string): number {
  const ca = [...a].map((c) => c.codePointAt(0)!);
  const cb = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    if (ca[i] !== cb[i]) return ca[i] - cb[i];
  }
  return ca.length - cb.length;
}

/** Checks that a token name can be a configparser section. */
export function validateTokenName(name: string): void {
  if (looksLikeToken(name)) {
    // Never echo it: it is most likely the token itself.
    throw new TypeError(
      `The token name looks like a token itself, not a name. Did you swap the arguments? ` +
        `Call saveToken(token, { name: "work" }).`,
    );
  }
  if (name.trim() === "" || /[\[\]\r\n]/.test(name) || name !== name.trim()) {
    throw new TypeError(
      `The token name ${JSON.stringify(name)} cannot be stored: use a non-empty name without ` +
        `brackets, line breaks or surrounding spaces.`,
    );
  }
}

/** True for a "name" that is really a token (arguments swapped): it must never be echoed. */
export function looksLikeToken(name: string): boolean {
  return /^(hf_|api_org_)[A-Za-z0-9_]{16,}$/.test(name.trim());
}

/** A name as shown in messages: quoted, or a placeholder when it looks like a token. */
export function showTokenName(name: string): string {
  return looksLikeToken(name)
    ? "(a value that looks like a token — arguments swapped?)"
    : JSON.stringify(name);
}
