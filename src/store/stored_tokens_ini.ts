/**
 * The `stored_tokens` INI file huggingface_hub shares with this module.
 *
 * huggingface_hub (≥ 1.20, `utils/_auth.py`) reads it with
 * `configparser.ConfigParser(interpolation=None)` and writes it sorted by
 * name, each section `[name]` with `hf_token = …` and, for a browser login,
 * `refresh_token = …` and `expires_at = <unix seconds>`, then a blank line.
 *
 * This module never re-serialises the whole file: a change replaces, inserts
 * or removes the text of exactly one section and keeps every other byte
 * (unknown keys, comments, spacing, order) as it was. On a file configparser
 * wrote, the result is byte for byte what huggingface_hub's
 * `_save_token`/`_logout_from_token` would write. The parser reads what
 * configparser reads; a file configparser refuses (huggingface_hub then reads
 * it as empty and its next save drops every other token) is reported with its
 * line and never rewritten here (so nothing is lost).
 *
 * @module
 */

import { cleanText, hasUnsafeText } from "../_text.ts";
import { TokenStorageError } from "../errors.ts";

/**
 * One `[name]` section of `stored_tokens`, with its keys (lower-cased, as
 * configparser does) and where its text starts and ends.
 *
 * @example Usage
 * ```ts
 * import { parseStoredTokensFile, type StoredTokenSection } from "@hf-notebook/auth/store";
 * import assert from "node:assert/strict";
 *
 * const text = "[a]\nhf_token = hf_sandbox_a\nrefresh_token = rt\nexpires_at = 1752192000\n\n";
 * const section: StoredTokenSection = parseStoredTokensFile(text, "stored_tokens").sections[0];
 * assert.deepEqual(section.fields, { hf_token: "hf_sandbox_a", refresh_token: "rt", expires_at: "1752192000" });
 * assert.deepEqual([section.start, section.end], [0, text.length]);
 * ```
 */
export interface StoredTokenSection {
  /** The section name (the token's name). */
  name: string;
  /**
   * Every key of the section, lower-cased, with its value (continuation lines
   * joined with a newline; `[DEFAULT]` keys inherited, as configparser's
   * `items()`). `hf_token` is absent for a section without one (`<not set>`).
   */
  fields: Record<string, string>;
  /** Offset of the `[name]` line in the file text. */
  start: number;
  /** Offset just after the section (the next `[` header, or the end of the file). */
  end: number;
}

/**
 * A parsed `stored_tokens` file: its text and its sections, in file order.
 *
 * @example Usage
 * ```ts
 * import { parseStoredTokensFile, type StoredTokensFile } from "@hf-notebook/auth/store";
 * import assert from "node:assert/strict";
 *
 * const file: StoredTokensFile = parseStoredTokensFile("[a]\nhf_token = hf_sandbox_a\n\n", "stored_tokens");
 * assert.deepEqual(file.sections.map((s) => s.name), ["a"]);
 * ```
 */
export interface StoredTokensFile {
  /** The file's text (empty for a missing file). */
  text: string;
  /** Its sections, in file order. */
  sections: StoredTokenSection[];
}

/**
 * Parses `stored_tokens` with every key of every section and their positions.
 *
 * It reads what huggingface_hub's `configparser.ConfigParser(interpolation=None)`
 * reads, line for line (CPython `configparser.RawConfigParser._read`): full-line
 * `#`/`;` comments (indented too), `key = value` or `key: value` (keys
 * lower-cased, values stripped), indented lines continuing a value (joined
 * with a newline), `[DEFAULT]` keys inherited by every section, the header
 * read as `[` … up to the last `]`. A section without `hf_token` is kept
 * (huggingface_hub lists it as `<not set>`). What configparser refuses
 * (duplicate sections or keys, an entry before any section, a line that is no
 * `key = value`) is reported with its line, and the file is never rewritten:
 * huggingface_hub would read such a file as empty.
 *
 * @example Usage
 * ```ts
 * import { parseStoredTokensFile } from "@hf-notebook/auth/store";
 * import assert from "node:assert/strict";
 *
 * const text = "# mine\n[work]\nhf_token = hf_sandbox_write_bob\nnote = kept\n\n[notes]\nfoo = bar\n";
 * const file = parseStoredTokensFile(text, "stored_tokens");
 * assert.deepEqual(file.sections[0].fields.note, "kept");
 * assert.deepEqual(file.sections[0].start, 7);
 * assert.deepEqual(file.sections[1].fields, { foo: "bar" }); // no hf_token: listed as not set
 * ```
 *
 * @param text File content.
 * @param path Path, for messages.
 * @returns The sections.
 * @throws {TokenStorageError} for a line configparser refuses.
 */
export function parseStoredTokensFile(text: string, path: string): StoredTokensFile {
  type Open = { name: string; lines: Map<string, string[]>; start: number; line: number };
  const sections: (Open & { end: number })[] = [];
  const defaults: Open = { name: DEFAULT_SECTION, lines: new Map(), start: 0, line: 0 };
  const seen = new Map<string, number>();
  let current: Open | undefined;
  let option: string | undefined;
  let indentLevel = 0;
  const fail = (line: number, what: string): never => {
    throw new TokenStorageError(
      path,
      `${path} line ${line}: ${what}. huggingface_hub (configparser) cannot read it either. The ` +
        `file was left untouched; fix or remove that line (or run \`hf auth logout\` / ` +
        `forgetToken({ all: true }) to start over).`,
    );
  };
  const close = (end: number) => {
    if (current && current !== defaults) sections.push({ ...current, end });
  };
  let offset = 0;
  let n = 0;
  // Python reads text files with universal newlines: \r\n, \r and \n all end a line.
  for (const raw of text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? []) {
    n++;
    const start = offset;
    offset += raw.length;
    let line = raw.replace(/(?:\r\n|\r|\n)$/, "");
    if (start === 0) line = line.replace(/^\uFEFF/, ""); // Notepad's BOM (configparser: an error)
    const stripped = line.trim();
    const comment = stripped.startsWith("#") || stripped.startsWith(";");
    if (stripped === "" || comment) {
      // A blank line inside a value is kept in it (empty_lines_in_values); a comment is not.
      if (!comment && current && option) current.lines.get(option)!.push("");
      continue;
    }
    const indent = line.length - line.trimStart().length;
    if (current && option && indent > indentLevel) {
      current.lines.get(option)!.push(stripped); // a continuation line
      continue;
    }
    indentLevel = indent;
    const header = /^\[(.+)\]/.exec(stripped);
    if (header) {
      const name = header[1];
      option = undefined;
      if (name === DEFAULT_SECTION) {
        close(start);
        current = defaults;
        continue;
      }
      if (seen.has(name)) {
        fail(n, `section [${cleanText(name)}] appears twice (first on line ${seen.get(name)})`);
      }
      close(start);
      seen.set(name, n);
      current = { name, lines: new Map(), start, line: n };
      continue;
    }
    const kv = /^(.*?)\s*[=:]\s*(.*)$/.exec(stripped);
    if (!kv && stripped.startsWith("[")) {
      fail(n, "a section header without its closing bracket (or with an empty name)");
    }
    if (!current) fail(n, "an entry before any [section] header");
    if (!kv) fail(n, "a line that is neither a [section] nor a key = value pair");
    if (kv![1] === "") fail(n, "an entry with an empty key");
    const key = kv![1].trimEnd().toLowerCase(); // configparser's optionxform
    if (current!.lines.has(key)) {
      fail(n, `${cleanText(key)} appears twice in section [${cleanText(current!.name)}]`);
    }
    current!.lines.set(key, [kv![2].trim()]);
    option = key;
  }
  close(text.length);
  const join = (lines: Map<string, string[]>) =>
    Object.fromEntries([...lines].map(([k, v]) => [k, v.join("\n").trimEnd()]));
  const inherited = join(defaults.lines);
  return {
    text,
    sections: sections.map(({ name, lines, start, end }) => ({
      name,
      fields: { ...inherited, ...join(lines) },
      start,
      end,
    })),
  };
}

/** configparser's `default_section`: its keys are every section's defaults; it is not a token. */
const DEFAULT_SECTION = "DEFAULT";

/**
 * The token a section holds, as huggingface_hub reads it (`_clean_token`: line
 * breaks removed, stripped); `undefined` when it has none (`<not set>`).
 */
export function sectionToken(fields: Record<string, string>): string | undefined {
  return (fields.hf_token ?? "").replace(/[\r\n]/g, "").trim() || undefined;
}

/**
 * Parses `stored_tokens` into token by name (the `hf_token` of each section).
 *
 * @example Usage
 * ```ts
 * import { parseStoredTokens } from "@hf-notebook/auth/store";
 * import assert from "node:assert/strict";
 *
 * const text = "[work]\nhf_token = hf_sandbox_write_bob\n\n[notes]\nfoo = bar\n";
 * assert.deepEqual(parseStoredTokens(text, "stored_tokens").get("work"), "hf_sandbox_write_bob");
 * assert.deepEqual(parseStoredTokens(text, "stored_tokens").get("notes"), ""); // not set
 * ```
 *
 * @param text File content.
 * @param path Path, for messages.
 * @returns Token by name, in file order (`""` for a section without one, as
 *   huggingface_hub's `get_stored_tokens`).
 */
export function parseStoredTokens(text: string, path: string): Map<string, string> {
  return new Map(
    parseStoredTokensFile(text, path).sections.map((s) => [s.name, sectionToken(s.fields) ?? ""]),
  );
}

/** The fields of one section, in the order huggingface_hub's `_save_token` writes them. */
export interface StoredTokenFields {
  /** The access token. */
  hf_token: string;
  /** The OAuth refresh token of a browser login. */
  refresh_token?: string;
  /** When the access token expires (unix seconds, as a decimal string). */
  expires_at?: string;
  /** Any other key (written after the three above, in insertion order). */
  [key: string]: string | undefined;
}

function sectionText(name: string, fields: StoredTokenFields): string {
  const ordered = ["hf_token", "refresh_token", "expires_at"];
  const keys = [...ordered, ...Object.keys(fields).filter((k) => !ordered.includes(k))];
  const lines = keys.filter((k) => fields[k] !== undefined).map((k) => `${k} = ${fields[k]}\n`);
  return `[${name}]\n${lines.join("")}\n`;
}

/**
 * Serialises named tokens exactly as huggingface_hub's
 * `_save_stored_tokens_full` (configparser) does: sorted by name, fields
 * `hf_token`, `refresh_token`, `expires_at`. Use {@linkcode setStoredSection}
 * to change an existing file.
 *
 * @example Usage
 * ```ts
 * import { serializeStoredTokens, type StoredTokenFields } from "@hf-notebook/auth/store";
 * import assert from "node:assert/strict";
 *
 * const tokens = new Map<string, string | StoredTokenFields>([
 *   ["b", "hf_sandbox_b"],
 *   ["a", { hf_token: "hf_sandbox_a", expires_at: "1" }],
 * ]);
 * assert.deepEqual(serializeStoredTokens(tokens), "[a]\nhf_token = hf_sandbox_a\nexpires_at = 1\n\n[b]\nhf_token = hf_sandbox_b\n\n");
 * ```
 *
 * @param tokens Token (or all fields) by name.
 * @returns The file content.
 */
export function serializeStoredTokens(
  tokens: ReadonlyMap<string, string | StoredTokenFields>,
): string {
  return [...tokens.keys()].sort(pythonSort).map((name) => {
    const value = tokens.get(name)!;
    return sectionText(name, typeof value === "string" ? { hf_token: value } : value);
  }).join("");
}

/**
 * Returns the file text with one section replaced (all its fields: stale
 * refresh metadata goes, as huggingface_hub's `_save_token` does), inserted
 * at its sorted place, or removed (`fields` undefined). Every byte outside
 * that section stays as it was.
 *
 * @example Usage
 * ```ts
 * import { parseStoredTokensFile, setStoredSection } from "@hf-notebook/auth/store";
 * import assert from "node:assert/strict";
 *
 * const text = "[a]\nhf_token = hf_sandbox_a\nnote = mine\n\n[c]\nhf_token = hf_sandbox_c\n\n";
 * const file = parseStoredTokensFile(text, "stored_tokens");
 * const added = setStoredSection(file, "b", { hf_token: "hf_sandbox_b", refresh_token: "rt", expires_at: "9" });
 * assert.equal(added, "[a]\nhf_token = hf_sandbox_a\nnote = mine\n\n[b]\nhf_token = hf_sandbox_b\nrefresh_token = rt\nexpires_at = 9\n\n[c]\nhf_token = hf_sandbox_c\n\n");
 * assert.equal(setStoredSection(file, "c", undefined), "[a]\nhf_token = hf_sandbox_a\nnote = mine\n\n");
 * ```
 *
 * @param file The parsed file.
 * @param name The section to change.
 * @param fields Its new fields, or `undefined` to remove it.
 * @returns The new file text.
 */
export function setStoredSection(
  file: StoredTokensFile,
  name: string,
  fields: StoredTokenFields | undefined,
): string {
  const { text, sections } = file;
  const existing = sections.find((s) => s.name === name);
  const replacement = fields ? sectionText(name, fields) : "";
  if (existing) {
    let before = text.slice(0, existing.start);
    const after = text.slice(existing.end);
    // A section that was the last one and had no final newline: keep the file's end tidy.
    if (!fields && after === "" && before !== "" && !before.endsWith("\n")) before += "\n";
    return before + replacement + after;
  }
  if (!fields) return text;
  const next = sections.find((s) => pythonSort(s.name, name) > 0);
  if (next) return text.slice(0, next.start) + replacement + text.slice(next.start);
  const glue = text === "" || text.endsWith("\n") ? "" : "\n";
  return text + glue + replacement;
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

/**
 * Checks that a token name can be a configparser section and be shown safely:
 * no brackets, line breaks or surrounding spaces, not configparser's
 * `DEFAULT`, and no control or bidi character (see {@linkcode refuseUnsafeTokenName}).
 *
 * @throws {TypeError} naming the problem.
 */
export function validateTokenName(name: string): void {
  if (looksLikeToken(name)) {
    // Never echo it: it is most likely the token itself.
    throw new TypeError(
      `The token name looks like a token itself, not a name. Did you swap the arguments? ` +
        `Call saveToken(token, { name: "work" }).`,
    );
  }
  if (name === DEFAULT_SECTION) {
    throw new TypeError(
      `The token name "DEFAULT" cannot be stored: configparser (huggingface_hub) treats ` +
        `[DEFAULT] as the defaults of every section, not as a token. Pick another name.`,
    );
  }
  if (name.trim() === "" || /[\[\]\r\n\t]/.test(name) || name !== name.trim()) {
    throw new TypeError(
      `The token name ${showTokenName(name)} cannot be stored: use a non-empty name without ` +
        `brackets, line breaks or surrounding spaces.`,
    );
  }
  refuseUnsafeTokenName(name);
}

/**
 * Refuses a name with a control or bidi character (`saveToken`, `switchToken`):
 * a name from the Hub's `displayName` with `ESC c` in it would reset the
 * terminal of whoever lists the names; a right-to-left override would
 * disguise it. Line breaks and tabs are refused too (a name is one line).
 *
 * @throws {TypeError} naming the character's code point.
 */
export function refuseUnsafeTokenName(name: string): void {
  const unsafe = [...name].find((ch) => hasUnsafeText(ch) || ch === "\n" || ch === "\t");
  if (unsafe === undefined) return;
  const code = `U+${unsafe.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
  throw new TypeError(
    `The token name ${showTokenName(name)} holds a control or bidi character (${code}), ` +
      `which would be printed raw wherever the names are listed. Use a name of visible ` +
      `characters only.`,
  );
}

/** True for a "name" that is really a token (arguments swapped): it must never be echoed. */
export function looksLikeToken(name: string): boolean {
  return /^(hf_|api_org_)[A-Za-z0-9_]{16,}$/.test(name.trim());
}

/**
 * A name as shown in messages: quoted with its controls escaped (the one text
 * cleaner), or a placeholder when it looks like a token.
 */
export function showTokenName(name: string): string {
  return looksLikeToken(name)
    ? "(a value that looks like a token — arguments swapped?)"
    : `"${cleanText(name.replace(/\n/g, "\\n").replace(/\t/g, "\\t"))}"`;
}

/** Names for a message: each cleaned, comma-separated, or `(none)`. */
export function showTokenNames(names: Iterable<string>): string {
  const shown = [...names].map((n) => cleanText(n).replace(/[\n\t]/g, " "));
  return shown.length ? shown.join(", ") : "(none)";
}
