/**
 * Token hygiene: what people paste is rarely exactly the token. Surrounding
 * whitespace, CR/LF, a UTF-8 BOM, matching quotes and a `Bearer ` prefix are
 * removed; anything that cannot be a token is rejected with a message naming
 * the source (never the value).
 *
 * @module
 */

import { badTokenChar } from "../_token_chars.ts";
import { InvalidTokenError } from "../errors.ts";
import type { TokenWarning } from "./types.ts";

/**
 * Longest value accepted as a token (Hugging Face tokens are ~37 characters).
 *
 * @example Usage
 * ```ts
 * import { MAX_TOKEN_LENGTH, normalizeToken } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => normalizeToken("hf_" + "a".repeat(MAX_TOKEN_LENGTH), "test"));
 * ```
 */
export const MAX_TOKEN_LENGTH = 1024;

/**
 * Placeholders that guides tell people to replace (`hf_[YOUR_TOKEN_HERE]`,
 * `hf_xxxxxxxx`, `your_token_here`, `<token>`). Real tokens are `hf_` plus
 * letters and digits only, so these cannot match one.
 */
const PLACEHOLDER =
  /[\[\]<>{}…]|\.\.\.|^hf_x{6,}$|(^|_)your(_|$)|(^|_)here$|(^|_)token_here|^(changeme|token|secret|placeholder)$/i;

/** A cleaned token and the warnings found while cleaning it. */
export interface NormalizedToken {
  /** The token, ready for an `Authorization` header. */
  token: string;
  /** Warnings (e.g. missing `hf_` prefix). */
  warnings: TokenWarning[];
}

/**
 * Cleans a raw value into a token, or throws {@linkcode InvalidTokenError}.
 *
 * @example Usage
 * ```ts
 * import { normalizeToken } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * const { token } = normalizeToken('  "Bearer hf_sandbox_read_alice"\r\n', "file:token");
 * assert.deepEqual(token, "hf_sandbox_read_alice");
 * ```
 *
 * @param raw The value as found.
 * @param source Where it was found (used in messages).
 * @returns The token and any warnings.
 */
export function normalizeToken(raw: string, source: string): NormalizedToken {
  if (raw.length > MAX_TOKEN_LENGTH * 4) {
    throw new InvalidTokenError(
      `The value in ${source} is ${raw.length} characters long, far too long for a Hugging Face ` +
        `token (about 37 characters). Check that ${source} holds only the token, not a whole file ` +
        `or log.`,
      source,
    );
  }
  let value = raw.replace(/^\uFEFF/, "").trim();
  for (let changed = true; changed;) {
    changed = false;
    const quoted = /^(["'`])([\s\S]*)\1$/.exec(value);
    if (quoted) {
      value = quoted[2].trim();
      changed = true;
    }
    const bearer = /^bearer\s+/i.exec(value);
    if (bearer) {
      value = value.slice(bearer[0].length).trim();
      changed = true;
    }
  }
  if (value === "") {
    throw new InvalidTokenError(
      `${source} is set but empty. Put your token there (it starts with "hf_"; create one at ` +
        `https://huggingface.co/settings/tokens), or remove the empty entry.`,
      source,
    );
  }
  if (value.length > MAX_TOKEN_LENGTH) {
    throw new InvalidTokenError(
      `The value in ${source} is ${value.length} characters long; a Hugging Face token is about ` +
        `37. Check that ${source} holds only the token.`,
      source,
    );
  }
  const quote = /["'`]/.exec(value);
  if (quote) {
    throw new InvalidTokenError(
      `The value in ${source} is not a valid token: it has an unmatched quote (${quote[0]}) at ` +
        `character ${quote.index + 1}. Remove the quotes, or close them around the whole token.`,
      source,
    );
  }
  const bad = badTokenChar(value);
  if (bad) {
    const { position, what } = bad;
    const hint = bad.char.codePointAt(0)! > 0x7f
      ? "Tokens are plain ASCII: this is often a look-alike letter or an invisible character " +
        "pasted from a chat app, web page or PDF. Copy the token again from " +
        "https://huggingface.co/settings/tokens."
      : "Tokens have no whitespace inside: copy it again as one piece (no line wrap).";
    throw new InvalidTokenError(
      `The value in ${source} is not a valid token: it contains ${what} at character ${position}. ${hint}`,
      source,
    );
  }
  if (PLACEHOLDER.test(value)) {
    throw new InvalidTokenError(
      `The value in ${source} is a placeholder from a guide, not a token. Replace it with your ` +
        `own token from https://huggingface.co/settings/tokens.`,
      source,
    );
  }
  const warnings: TokenWarning[] = [];
  if (!value.startsWith("hf_")) {
    warnings.push({
      code: "not-hf-prefix",
      source,
      message: `The token from ${source} does not start with "hf_", as Hugging Face user access ` +
        `tokens do.`,
      fix: "Check that you copied a Hugging Face access token (not an API key of another service).",
    });
  }
  return { token: value, warnings };
}
