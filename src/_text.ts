/**
 * The one text cleaner: every string that came from a network, a file or an environment
 * passes through here before it reaches a terminal or a one-line message (internal).
 *
 * Controls are shown, never emitted: C0 controls but newline and tab, DEL, C1 controls,
 * the bidi controls and the line/paragraph separators become visible escapes (`\x1B`,
 * `\u202E`), so an OSC 52 clipboard write, an OSC 8 link, a screen clear, a C1 CSI or a
 * right-to-left override in a server's answer is printed as harmless text.
 *
 * @module
 */

import { redact } from "./_mask.ts";

/**
 * What is never emitted: C0 but tab and newline, DEL, C1, ALM (U+061C), LRM/RLM
 * (U+200E/F), the embeddings and overrides (U+202A–E), the isolates (U+2066–9) and the
 * line and paragraph separators (U+2028/9).
 */
const UNSAFE =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** `\x1B` for a code point below 0x100, `\u202E` above. */
function escaped(ch: string): string {
  const code = ch.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).toUpperCase().padStart(2, "0")}`
    : `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * `text` with every control that could steer a terminal shown as a visible escape.
 * Newlines and tabs are kept; a lone `\r` (which rewrites the line) is escaped.
 */
export function cleanText(text: string): string {
  return text.replace(UNSAFE, escaped);
}

/**
 * `value` with every string in it (deeply: arrays and plain objects) passed through
 * {@linkcode cleanText}. Renderers clean their whole input once this way, so no field a
 * server or a file filled can reach a terminal raw, whichever line it ends up on.
 */
export function cleanStrings<T>(value: T): T {
  if (typeof value === "string") return cleanText(value) as T;
  if (Array.isArray(value)) return value.map(cleanStrings) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = cleanStrings(v);
    return out as T;
  }
  return value;
}

/** This module's own colour sequences (SGR: `ESC [ digits m`), the only escape it emits. */
// deno-lint-ignore no-control-regex
const OWN_SGR = /\x1b\[[0-9;]{0,16}m/g;

/**
 * The last guard before a terminal: `text` with every control character escaped as
 * `\uXXXX` (also valid inside a JSON string, so `--json` output stays JSON), except this
 * module's own SGR colour sequences, which are kept. Text that went through
 * {@linkcode cleanText} holds no ESC of a server's any more, so what is kept is ours.
 */
export function cleanTerminal(text: string): string {
  let out = "";
  let at = 0;
  OWN_SGR.lastIndex = 0;
  for (let m = OWN_SGR.exec(text); m; m = OWN_SGR.exec(text)) {
    out += text.slice(at, m.index).replace(UNSAFE, jsonEscaped) + m[0];
    at = m.index + m[0].length;
  }
  return out + text.slice(at).replace(UNSAFE, jsonEscaped);
}

function jsonEscaped(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/** `true` when `text` holds a control or bidi character that {@linkcode cleanText} would escape. */
export function hasUnsafeText(text: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(text);
  UNSAFE.lastIndex = 0;
  return found;
}

/**
 * `text` on one line (whitespace runs collapsed, controls escaped), at most `max`
 * characters (ends with `…` when cut). Each of `secrets` is masked *before* the cut, so a
 * cut can never leave part of a secret behind.
 */
export function shorten(
  text: string,
  max = 160,
  secrets: Iterable<string | undefined> = [],
): string {
  const one = cleanText(redact(text, secrets).replace(/[\s\u2028\u2029]+/g, " ").trim());
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
