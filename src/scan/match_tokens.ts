/**
 * The token matcher: what counts as a leaked Hugging Face token in a piece of text, and what
 * does not (placeholders from guides, documented fakes, this project's sandbox tokens, masked
 * tokens). Pure functions, no I/O.
 *
 * Shapes (the ones GitHub's secret scanning and the Hub's own scanner look for):
 * - `hf_` + 34 letters and digits: user access tokens, classic (read/write) and fine-grained;
 * - `hf_oauth_` + letters and digits: OAuth access tokens (a browser login, an app);
 * - `api_org_` + 34 letters and digits: legacy organisation API tokens.
 *
 * A match must stand alone: no letter, digit or `_` right before it (an ANSI colour code or a
 * JSON `\n` escape may be), none right after it. So `hf_sandbox_read_alice` (underscores),
 * `hf_Ab…xyz` (masked), `hf_...` and `hf_[YOUR_TOKEN_HERE]` never match the shape, and
 * `hf_xxxxxxxx…`-style fakes that do are recognised by {@linkcode isPlaceholderToken}.
 *
 * @module
 */

/** What kind of credential a match is. */
export type TokenKind = "user" | "oauth" | "org-legacy";

/** One token found in a text. */
export interface TokenMatch {
  /** The token (keep it in memory only; show {@linkcode maskToken}'s form). */
  token: string;
  /** Its kind. */
  kind: TokenKind;
  /** UTF-16 offset of its first character in the text. */
  index: number;
}

/** Length of the random part of `hf_…` and `api_org_…` tokens. */
const BODY = 34;

/**
 * The token shapes. The lookbehind allows a match right after a non-word character, after a
 * JSON escape (`\n`, `\t`, `\r` written out, as in a notebook's raw text) and after an ANSI
 * colour code (tracebacks and coloured logs), never inside a longer identifier.
 */
const TOKEN_RE = new RegExp(
  String.raw`(?:(?<![A-Za-z0-9_])|(?<=\\[ntrbf])|(?<=\x1b\[[0-9;]*m)|(?<=\\u001[bB]\[[0-9;]*m))` +
    String.raw`(hf_oauth_[A-Za-z0-9]{20,80}|hf_[A-Za-z0-9]{${BODY}}|api_org_[A-Za-z0-9]{${BODY}})` +
    String.raw`(?![A-Za-z0-9_])`,
  "g",
);

/** Words that only a placeholder or a guide's example holds (case-insensitive). */
const PLACEHOLDER_WORDS =
  /x{4,}|0{6,}|your|token|here|example|sample|fake|dummy|placeholder|redacted|secret|changeme|insert|replace|test/i;

/** The kind of a token-shaped string (`hf_oauth_…`, `api_org_…`, else a user token). */
function kindOf(token: string): TokenKind {
  return token.startsWith("hf_oauth_")
    ? "oauth"
    : token.startsWith("api_org_")
    ? "org-legacy"
    : "user";
}

/** The random part of a token (after `hf_`, `hf_oauth_` or `api_org_`). */
function bodyOf(token: string): string {
  return token.replace(/^(hf_oauth_|hf_|api_org_)/, "");
}

/**
 * Whether a token-shaped string is a placeholder or a documented fake rather than a secret:
 * it spells a word guides use (`your`, `token`, `here`, `example`, `fake`, `xxxx`, …), uses
 * fewer than 8 distinct characters (`hf_xxxxxxxx…`, `hf_AbAbAbAb…`), or runs through the
 * alphabet or the digits (`hf_abcdefgh…`, `…123456…`). A random 34-character body does any
 * of this with a probability below 1 in 1,000.
 *
 * @example Usage
 * ```ts
 * import { isPlaceholderToken } from "@hf-notebook/auth/scan";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isPlaceholderToken("hf_" + "x".repeat(34)), true);
 * assert.equal(isPlaceholderToken("hf_" + "abcdefghijklmnopqrstuvwxyz01234567"), true);
 * ```
 *
 * @param token A string of a token's shape.
 * @returns `true` when it is not a real secret.
 */
export function isPlaceholderToken(token: string): boolean {
  const body = bodyOf(token);
  if (PLACEHOLDER_WORDS.test(body)) return true;
  if (new Set(body).size < 8) return true;
  let run = 1;
  for (let i = 1; i < body.length; i++) {
    run = body.charCodeAt(i) === body.charCodeAt(i - 1) + 1 ? run + 1 : 1;
    if (run >= 6) return true;
  }
  return false;
}

/**
 * Every Hugging Face token in `text`, in order, placeholders and fakes left out.
 *
 * @example Usage
 * ```ts
 * import { findTokens } from "@hf-notebook/auth/scan";
 * import assert from "node:assert/strict";
 *
 * // Built at run time, so no token-shaped string is written in the source.
 * const token = "hf_" + "Q7vT2mZp9KxR4bWn8LcY3hJd6FgS1aUe5N".split("").reverse().join("");
 * const text = `HF_TOKEN=${token}\nHF_TOKEN=hf_${"x".repeat(34)}\n` +
 *   "shown as hf_Ab…xyz, sandbox hf_sandbox_read_alice";
 * assert.deepEqual(findTokens(text), [{ token, kind: "user", index: 9 }]);
 * ```
 *
 * @param text Any text.
 * @returns The matches (token, kind, offset).
 */
export function findTokens(text: string): TokenMatch[] {
  const out: TokenMatch[] = [];
  // Fast path: most texts hold neither prefix.
  if (text.indexOf("hf_") < 0 && text.indexOf("api_org_") < 0) return out;
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(text); m; m = TOKEN_RE.exec(text)) {
    const token = m[1];
    if (isPlaceholderToken(token)) continue;
    out.push({ token, kind: kindOf(token), index: m.index });
  }
  return out;
}

/** `_` */
const UNDERSCORE = 0x5f;
const H = 0x68;
const F = 0x66;
const A = 0x61;
const P = 0x70;
const I = 0x69;

/**
 * Offsets in `bytes` where `hf_` or `api_org_` starts (a cheap pre-filter: most files hold
 * neither, and only files that do are decoded or parsed). Reads four bytes at a time and looks
 * closer only at words holding an `_`.
 *
 * @param bytes The bytes.
 * @returns Offsets of the `h` of `hf_` and the `a` of `api_org_`, ascending.
 */
export function candidateOffsets(bytes: Uint8Array): number[] {
  const out: number[] = [];
  const check = (p: number) => {
    // p is the offset of an `_`.
    if (p >= 2 && bytes[p - 1] === F && bytes[p - 2] === H) out.push(p - 2);
    else if (
      p >= 3 && bytes[p - 1] === I && bytes[p - 2] === P && bytes[p - 3] === A &&
      bytes[p + 1] === 0x6f && bytes[p + 2] === 0x72 && bytes[p + 3] === 0x67 &&
      bytes[p + 4] === UNDERSCORE
    ) out.push(p - 3);
  };
  const head = (4 - (bytes.byteOffset & 3)) & 3;
  const start = Math.min(head, bytes.length);
  for (let p = 0; p < start; p++) if (bytes[p] === UNDERSCORE) check(p);
  const words = (bytes.length - start) >> 2;
  const u32 = new Uint32Array(bytes.buffer, bytes.byteOffset + start, words);
  for (let w = 0; w < words; w++) {
    const v = u32[w] ^ 0x5f5f5f5f;
    // A zero byte in v is an `_` in the word (the classic "has zero byte" test).
    if (((v - 0x01010101) & ~v & 0x80808080) === 0) continue;
    const base = start + (w << 2);
    for (let p = base; p < base + 4; p++) if (bytes[p] === UNDERSCORE) check(p);
  }
  for (let p = start + (words << 2); p < bytes.length; p++) {
    if (bytes[p] === UNDERSCORE) check(p);
  }
  return out;
}

/** How many bytes around a candidate are enough to decide on it (the longest token and its lookbehind). */
export const CANDIDATE_WINDOW = 96;
