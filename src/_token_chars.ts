/**
 * What a token may be made of (internal): the one rule shared by a pasted token
 * (`sources/normalize_token.ts`) and every token a server sends (device flow, refresh,
 * OIDC), so a newline, a space, a control or a non-ASCII character in either is refused
 * the same way — before anything is written.
 *
 * @module
 */

/** Longest value accepted as a token (Hugging Face tokens are ~37 characters). */
export const TOKEN_MAX_LENGTH = 1024;

/** Characters that are invisible or look like a space when pasted: named, not quoted. */
const NAMED_CHARS: Record<number, string> = {
  0xa0: "a non-breaking space",
  0x200b: "an invisible zero-width space",
  0x200c: "an invisible zero-width non-joiner",
  0x200d: "an invisible zero-width joiner",
  0x2060: "an invisible word joiner",
  0xfeff: "an invisible byte-order mark",
  0xfffd: 'the replacement character "�" (the text was not valid UTF-8)',
};

/** A character in words: "a line break", "a control character (U+001B)", … */
export function describeTokenChar(ch: string): string {
  const code = ch.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  if (ch === " ") return "a space";
  if (ch === "\t") return "a tab";
  if (ch === "\n" || ch === "\r") return "a line break";
  if (code < 0x20 || code === 0x7f) return `a control character (${hex})`;
  if (code >= 0x80 && code <= 0x9f) return `a control character (${hex})`;
  const named = NAMED_CHARS[code];
  if (named) return `${named} (${hex})`;
  if (/\s/u.test(ch)) return `a whitespace character (${hex})`;
  if (/\p{Cf}/u.test(ch)) return `an invisible formatting character (${hex})`;
  const script = code >= 0x400 && code <= 0x4ff
    ? " — a Cyrillic letter that looks like a Latin one"
    : code >= 0x370 && code <= 0x3ff
    ? " — a Greek letter that looks like a Latin one"
    : "";
  return `the non-ASCII character ${JSON.stringify(ch)} (${hex})${script}`;
}

/** The first character a token may not hold (anything but printable ASCII), if any. */
export function badTokenChar(
  value: string,
): { char: string; position: number; what: string } | undefined {
  const bad = /[^\x21-\x7e]/u.exec(value);
  if (!bad) return undefined;
  return {
    char: bad[0],
    position: value.slice(0, bad.index).length + 1,
    what: describeTokenChar(bad[0]),
  };
}

/**
 * Why a token a server sent cannot be used, in words that never quote it (`undefined`
 * when it can): not a string, empty, longer than {@linkcode TOKEN_MAX_LENGTH}, or holding
 * a space, a line break, a quote, a control or a non-ASCII character. Surrounding
 * whitespace is a problem too: a server sends the token exactly.
 */
export function serverTokenProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return `it is ${value === undefined ? "missing" : "not a string"}`;
  if (value === "") return "it is empty";
  if (value.length > TOKEN_MAX_LENGTH) {
    return `it is ${value.length} characters long (a token has at most ${TOKEN_MAX_LENGTH})`;
  }
  const bad = badTokenChar(value);
  if (bad) return `it contains ${bad.what} at character ${bad.position}`;
  const quote = /["'`]/.exec(value);
  if (quote) return `it contains a quote (${quote[0]}) at character ${quote.index + 1}`;
  return undefined;
}

/**
 * Longest lifetime of an access token believed (ten years): a larger `expires_in` is an
 * impossible value, taken as unknown (it would make no date).
 */
export const MAX_TOKEN_LIFETIME_S: number = 10 * 366 * 24 * 3600;

/**
 * The lifetime of a token from a server's `expires_in`: a whole number of seconds within
 * {@linkcode MAX_TOKEN_LIFETIME_S}, else `undefined` (unknown: never an impossible date).
 */
export function tokenLifetime(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > 0 &&
      value <= MAX_TOKEN_LIFETIME_S
    ? Math.floor(value)
    : undefined;
}
