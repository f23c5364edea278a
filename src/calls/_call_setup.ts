/**
 * What `inferenceClient()` and `hubCredentials()` share (internal): the token of the call
 * and the guarded recording fetch whose answers `explain()` can find again.
 *
 * @module
 */

import { type RecordingFetch, recordingFetch } from "../_observation.ts";
import type { ResolveOptions } from "../resolve/resolve_token.ts";
import { remember } from "./_recent.ts";

/** The token given, else the session's (`getToken()`, reading `env` when given). */
export async function callToken(
  options: { token?: string; env?: ResolveOptions["env"] },
): Promise<string> {
  if (options.token !== undefined) return options.token;
  const { getToken } = await import("../resolve/resolve_token.ts");
  return await getToken(options.env ? { env: options.env } : {});
}

/** The recording fetch over `guarded`: every answer is remembered for `explain()`. */
export function callFetch(guarded: typeof fetch): RecordingFetch {
  return recordingFetch(guarded, { onObservation: remember });
}
