/**
 * Reading JSON of unknown shape (internal).
 *
 * @module
 */

import { JSON_BODY_LIMIT, readBoundedText, tooLargeText } from "./_body.ts";

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
  const answer = await readJsonAnswer(response, limit);
  return answer.ok ? answer.value : undefined;
}

/** A JSON answer read through the bounded reader: the object, or why there is none. */
export type JsonAnswer =
  | { ok: true; value: Json }
  | {
    ok: false;
    /** `too-large` past the cap, `unreadable` (network fault, abort), `not-json`, `not-object`. */
    kind: "too-large" | "unreadable" | "not-json" | "not-object";
    /** In words, for a message: "an HTML page (text/html), not JSON", "an answer larger than 1 MiB …". */
    why: string;
    /** The stream's own error, for `unreadable`. */
    cause?: unknown;
  };

/**
 * Reads `response` as a JSON object through {@linkcode readBoundedText}, saying what it got
 * when it is none (never the body itself: it might hold a secret).
 */
export async function readJsonAnswer(
  response: Response,
  limit: number = JSON_BODY_LIMIT,
): Promise<JsonAnswer> {
  let text: string;
  try {
    const body = await readBoundedText(response, limit);
    if (body.truncated) return { ok: false, kind: "too-large", why: tooLargeText(limit) };
    text = body.text;
  } catch (error) {
    return {
      ok: false,
      kind: "unreadable",
      why: `a body that could not be read (${error instanceof Error ? error.name : "error"})`,
      cause: error,
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const type = response.headers.get("content-type")?.split(";")[0].trim() || "no content type";
    const why = /^\s*</.test(text)
      ? `an HTML page (${type}), not JSON`
      : text.trim() === ""
      ? "an empty body"
      : `a body that is not JSON (${type})`;
    return { ok: false, kind: "not-json", why };
  }
  const object = obj(value);
  return object
    ? { ok: true, value: object }
    : { ok: false, kind: "not-object", why: "JSON that is not an object" };
}
