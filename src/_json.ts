/**
 * Reading JSON of unknown shape (internal).
 *
 * @module
 */

/** A JSON object, fields not yet checked. */
export type Json = Record<string, unknown>;

/** `value` when it is a JSON object (not `null`, not an array), else `undefined`. */
export function obj(value: unknown): Json | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? value as Json : undefined;
}

/** The body of `response` when it is a JSON object, else `undefined` (unreadable, not JSON). */
export async function readJsonObject(response: Response): Promise<Json | undefined> {
  const text = await response.text().catch(() => "");
  try {
    return obj(JSON.parse(text));
  } catch {
    return undefined;
  }
}
