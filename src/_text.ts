/**
 * Server or error text made fit for one line of a message (internal).
 *
 * @module
 */

/** `text` on one line (whitespace runs collapsed), at most `max` characters (ends with `…` when cut). */
export function shorten(text: string, max = 160): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
