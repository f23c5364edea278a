/**
 * The OAuth client this module logs in and refreshes with (internal, tiny so
 * that `mod.ts` can export the constants without loading the protocol code):
 * huggingface_hub's public device-code client, so logins made here and with
 * `hf auth login` refresh either way.
 *
 * @module
 */

import { type EnvLike, envNonEmpty } from "./_env.ts";

/**
 * huggingface_hub's public device-code client (`constants.DEVICE_CODE_OAUTH_CLIENT_ID`): a login
 * made here is refreshed by `hf` and Python, and the other way round.
 *
 * @example Usage
 * ```ts
 * import { DEFAULT_DEVICE_CLIENT_ID } from "@hf-notebook/auth/hub";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DEFAULT_DEVICE_CLIENT_ID, "26be6b09-91c5-47da-9861-d2d2bb7a7e36");
 * ```
 */
export const DEFAULT_DEVICE_CLIENT_ID = "26be6b09-91c5-47da-9861-d2d2bb7a7e36";
/**
 * The variable huggingface_hub reads to override the client id (staging, Enterprise Hubs).
 *
 * @example Usage
 * ```ts
 * import { DEVICE_CLIENT_ID_ENV } from "@hf-notebook/auth/hub";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DEVICE_CLIENT_ID_ENV, "HF_DEVICE_CODE_OAUTH_CLIENT_ID");
 * ```
 */
export const DEVICE_CLIENT_ID_ENV = "HF_DEVICE_CODE_OAUTH_CLIENT_ID";
/** The client id: `HF_DEVICE_CODE_OAUTH_CLIENT_ID`, else huggingface_hub's public client. */
export function deviceClientId(env?: EnvLike): string {
  return envNonEmpty(env, DEVICE_CLIENT_ID_ENV)?.trim() ?? DEFAULT_DEVICE_CLIENT_ID;
}
