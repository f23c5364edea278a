/**
 * The Hugging Face endpoints this module talks to, and the guarded fetch that
 * lets a token reach only them. `whoami()` and `login()` (main entry point) are
 * what a notebook calls; import from here to point your own requests at the
 * same Hub (`HF_ENDPOINT`, `HF_INFERENCE_ENDPOINT`) with the same guard.
 *
 * @example The endpoints in force, and a fetch that keeps the token on them
 * ```ts
 * import { DEFAULT_HUB_URL, guardedFetch, resolveEndpoints } from "@hf-notebook/auth/hub";
 * import assert from "node:assert/strict";
 *
 * assert.equal(resolveEndpoints({ env: {} }).hubUrl, DEFAULT_HUB_URL);
 * const sent: boolean[] = [];
 * const fake: typeof fetch = (input, init) => {
 *   sent.push(new Request(input, init).headers.has("authorization"));
 *   return Promise.resolve(new Response("{}"));
 * };
 * const f = guardedFetch({ fetch: fake, env: {} });
 * const auth = { headers: { Authorization: "Bearer hf_sandbox_read_alice" } };
 * await f("https://huggingface.co/api/whoami-v2", auth);
 * await f("https://example.com/x", auth);
 * assert.deepEqual(sent, [true, false], "the token stays on huggingface.co");
 * ```
 *
 * @module
 */

export {
  DEFAULT_HUB_URL,
  DEFAULT_INFERENCE_URL,
  guardedFetch,
  resolveEndpoints,
} from "./endpoints.ts";
export type { Endpoints, NetworkOptions } from "./endpoints.ts";
export { DEFAULT_WHOAMI_TIMEOUT_MS } from "./whoami.ts";
// The browser login (browserLogin() in the main entry point): its source id and OAuth client.
export { BROWSER_LOGIN_SOURCE } from "./browser_login.ts";
export { DEFAULT_DEVICE_CLIENT_ID, DEVICE_CLIENT_ID_ENV } from "../_oauth_client.ts";
export type { EnvLike } from "../_env.ts";
