/**
 * Reading JSON of unknown shape (internal).
 *
 * @module
 */

import { JSON_BODY_LIMIT, readBoundedText } from "./_body.ts";

/** A JSON object, fields not yet checked. */
export type Json = Record<string, unknown>;

/** `value` when it is a JSON object (not `null`, not an array), else `undefined`. */
export function obj(value: unknown): Json | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? value as Json : undefined;
}

/**
 * The body of `response` when it is a JSON object, else `undefined` (unreadable, not JSON,
 * or larger than `limit` bytes: a JSON answer cut at the cap is not parsed).
 */
export async function readJsonObject(
  response: Response,
  limit: number = JSON_BODY_LIMIT,
): Promise<Json | undefined> {
  const body = await readBoundedText(response, limit).catch(() => undefined);
  if (!body || body.truncated) return undefined;
  const text = body.text;
  try {
    return obj(JSON.parse(text));
  } catch {
    return undefined;
  }
}
