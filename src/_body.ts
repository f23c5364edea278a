/**
 * The one bounded body reader: every HTTP answer this module reads goes through here, so a
 * hostile or broken server costs at most the cap in memory and the caller's timeout in
 * time (internal).
 *
 * The body is read chunk by chunk; at `limit + 1` bytes the read stops, the stream is
 * cancelled (the connection is released) and the result says it was cut.
 *
 * @module
 */

/** Cap for a JSON answer this module expects (whoami, device flow, token exchange, search). */
export const JSON_BODY_LIMIT = 1024 * 1024;
/** Cap for an error answer kept for a diagnosis (the server's words, never a payload). */
export const ERROR_BODY_LIMIT = 64 * 1024;

/** A body read up to a cap. */
export interface BoundedBody {
  /** The text read (UTF-8, invalid sequences replaced), at most `limit` bytes of it. */
  text: string;
  /** Bytes received (at most `limit + 1`). */
  bytes: number;
  /** The answer was longer than `limit` and was cut there. */
  truncated: boolean;
  /** The cap the body was read with, in bytes. */
  limit: number;
}

/**
 * Reads at most `limit` bytes of `response`'s body as text. Rejects as the stream does (a
 * network fault, an abort, a body already read: `TypeError`); never holds more than
 * `limit + 1` bytes (plus one chunk) in memory.
 */
export async function readBoundedText(
  response: Response,
  limit: number = JSON_BODY_LIMIT,
): Promise<BoundedBody> {
  if (response.bodyUsed) throw new TypeError("the response body was already read");
  const body = response.body;
  if (!body) return { text: "", bytes: 0, truncated: false, limit };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let truncated = false;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = limit + 1 - bytes;
      const piece = value.byteLength > room ? value.subarray(0, room) : value;
      chunks.push(piece);
      bytes += piece.byteLength;
      if (bytes > limit) {
        truncated = true;
        break;
      }
    }
  } finally {
    if (truncated) reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  const all = new Uint8Array(Math.min(bytes, limit));
  let at = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, Math.min(chunk.byteLength, all.byteLength - at));
    all.set(part, at);
    at += part.byteLength;
    if (at >= all.byteLength) break;
  }
  return { text: new TextDecoder().decode(all), bytes, truncated, limit };
}

/** "larger than 1 MiB" / "larger than 64 KiB": the cap in words. */
export function describeLimit(limit: number): string {
  return limit >= 1024 * 1024 && limit % (1024 * 1024) === 0
    ? `${limit / (1024 * 1024)} MiB`
    : limit >= 1024
    ? `${Math.round(limit / 1024)} KiB`
    : `${limit} bytes`;
}

/**
 * The diagnosis of a body cut at its cap, in words for a message: "an answer larger than
 * 1 MiB (the limit here): a proxy or a broken server".
 */
export function tooLargeText(limit: number): string {
  return `an answer larger than ${
    describeLimit(limit)
  } (the limit here): a proxy or a broken server`;
}

/**
 * A redirect answer (3xx with or without `Location`) of a request sent with
 * `redirect: "manual"`, in words: `HTTP 302 to https://other.example`. `undefined` when
 * `response` is no redirect. Only the target's origin is named (its path or query might
 * carry something private).
 */
export function redirectText(response: Response): string | undefined {
  // An opaque redirect (status 0, type "opaqueredirect") is what browsers give for "manual".
  if (response.type !== "opaqueredirect" && (response.status < 300 || response.status > 399)) {
    return undefined;
  }
  const location = response.headers.get("location");
  let where = "an address it did not say";
  if (location) {
    try {
      where = new URL(location, response.url || undefined).origin;
    } catch {
      where = "an address that is not a URL";
    }
  }
  return `HTTP ${response.status || 3} to ${where}`;
}
