/**
 * The Hub's IETF rate-limit headers (internal): `RateLimit: "api";r=0;t=55` and
 * `RateLimit-Policy: "fixed window";"api";q=500;w=300`, read the way huggingface_hub's
 * `parse_ratelimit_headers` reads them (draft-ietf-httpapi-ratelimit-headers-09).
 *
 * @module
 */

/** What the two headers say. */
export interface RateLimitInfo {
  /** The limited resource, e.g. `api`, `resolvers`. */
  resource: string;
  /** Requests left in the window. */
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
  /** Requests allowed per window (from `RateLimit-Policy`). */
  limit?: number;
  /** Window length in seconds (from `RateLimit-Policy`). */
  windowSeconds?: number;
}

/** Parses `RateLimit` (and `RateLimit-Policy` when given); `undefined` when absent or malformed. */
export function parseRateLimit(
  header: string | null | undefined,
  policy?: string | null,
): RateLimitInfo | undefined {
  const m = /"(\w+)"\s*;\s*r\s*=\s*(\d+)\s*;\s*t\s*=\s*(\d+)/.exec(header ?? "");
  if (!m) return undefined;
  const p = /q\s*=\s*(\d+).*?w\s*=\s*(\d+)/.exec(policy ?? "");
  return {
    resource: m[1],
    remaining: Number(m[2]),
    resetSeconds: Number(m[3]),
    ...(p ? { limit: Number(p[1]), windowSeconds: Number(p[2]) } : {}),
  };
}
