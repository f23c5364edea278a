/**
 * A resolution for a token passed explicitly to `whoami()` / `login()`: cleaned
 * like any other source, but without touching the session cache (the caller
 * decides whether to adopt it).
 *
 * @module
 */

import { detectPlatform } from "../sources/platform.ts";
import { normalizeToken } from "../sources/normalize_token.ts";
import { Resolution } from "../resolve/resolution.ts";
import type { EnvLike } from "../_env.ts";

/** Source id of a token given as an argument. */
export const ARGUMENT_SOURCE = "argument:token";

/** Cleans `raw` and wraps it in a {@linkcode Resolution} with source `argument:token`. */
export function explicitResolution(raw: string, env?: EnvLike): Resolution {
  const clean = normalizeToken(raw, ARGUMENT_SOURCE);
  let platform: Resolution["platform"] | undefined;
  try {
    platform = detectPlatform(env ? { env } : {});
  } catch {
    platform = undefined;
  }
  return new Resolution({
    token: clean.token,
    source: ARGUMENT_SOURCE,
    attempts: [],
    warnings: clean.warnings,
    platform,
  });
}
