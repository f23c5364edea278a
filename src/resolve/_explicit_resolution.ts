/**
 * A resolution for a token passed explicitly (`getToken({ token })`, `whoami({ token })`,
 * `probe({ token })`): cleaned like any other source, but without touching the session cache
 * (the caller decides whether to adopt it).
 *
 * @module
 */

import { detectPlatform } from "../sources/platform.ts";
import { normalizeToken } from "../sources/normalize_token.ts";
import type { Attempt } from "../sources/types.ts";
import { maskToken } from "../_mask.ts";
import { Resolution } from "./resolution.ts";
import type { EnvLike } from "../_env.ts";

/** Source id of a token given as an argument. */
export const ARGUMENT_SOURCE = "explicit:token";

/** Cleans `raw` and wraps it in a {@linkcode Resolution} with source `explicit:token`. */
export function explicitResolution(raw: string, env?: EnvLike): Resolution {
  const clean = normalizeToken(raw, "the token option");
  let platform: Resolution["platform"] | undefined;
  try {
    platform = detectPlatform(env ? { env } : {});
  } catch {
    platform = undefined;
  }
  return new Resolution({
    token: clean.token,
    source: ARGUMENT_SOURCE,
    attempts: [{
      source: ARGUMENT_SOURCE,
      outcome: "found",
      masked: maskToken(clean.token),
    }] as Attempt[],
    warnings: clean.warnings,
    platform,
  });
}
