/**
 * `hubCredentials()`: the session's token, Hub URL and guarded recording fetch, to spread
 * into `@huggingface/hub` calls.
 *
 * @module
 */

import type { NetworkOptions } from "../hub/endpoints.ts";
import { maskToken } from "../_mask.ts";

/** Options of {@linkcode hubCredentials}. */
export interface HubCredentialsOptions extends NetworkOptions {
  /** The token to use. Default: the session's (`getToken()`). */
  token?: string;
}

/** What to spread into an `@huggingface/hub` call. */
export interface HubCredentials {
  /** The token (pass it on, never print it: it is shown masked everywhere else). */
  accessToken: string;
  /** The configured Hub (`HF_ENDPOINT`, else `https://huggingface.co`). */
  hubUrl: string;
  /** The guarded fetch: the token reaches only the configured Hub and router; answers are recorded for `explain()`. */
  fetch: typeof fetch;
}

/**
 * The session's credentials for `@huggingface/hub`: `{ accessToken, hubUrl, fetch }` to
 * spread into its calls (`listModels({ ...await hubCredentials(), search })`). The fetch
 * keeps the token on the configured origins and records each answer (bounded), so
 * `explain(error)` knows what the Hub answered — its `X-Error-Code`, `RateLimit` and words.
 *
 * @example Usage (against the sandbox)
 * ```ts
 * import { explain, hubCredentials } from "@hf-notebook/auth";
 * import { startSandbox } from "@hf-notebook/auth/sandbox";
 * import { whoAmI } from "npm:@huggingface/hub@^2.17";
 * import assert from "node:assert/strict";
 *
 * await using hub = await startSandbox();
 * const creds = await hubCredentials({ token: "hf_sandbox_read_alice", hubUrl: hub.url, env: {} });
 * assert.equal((await whoAmI(creds)).name, "sandbox-alice");
 * try {
 *   await whoAmI({ ...creds, accessToken: "hf_sandbox_revoked_alice" });
 * } catch (e) {
 *   assert.equal((await explain(e)).status, 401);
 * }
 * ```
 *
 * @param options The token and endpoints.
 * @returns The credentials to spread.
 */
export async function hubCredentials(options: HubCredentialsOptions = {}): Promise<HubCredentials> {
  // Loaded on first use: importing the module stays cheap.
  const [{ callFetch, callToken }, { guardedFetch, resolveEndpoints }] = await Promise.all([
    import("./_call_setup.ts"),
    import("../hub/endpoints.ts"),
  ]);
  const { hubUrl, inferenceUrl } = resolveEndpoints(options);
  const accessToken = await callToken(options);
  const rec = callFetch(guardedFetch({ ...options, hubUrl, inferenceUrl }));
  const credentials: HubCredentials = { accessToken, hubUrl, fetch: rec.fetch };
  // Printed or serialised, it shows the token masked; spread into a call, it passes it whole
  // (these two are not enumerable, so a spread does not copy them).
  const shown = () => ({ accessToken: maskToken(accessToken), hubUrl });
  Object.defineProperties(credentials, {
    toJSON: { value: shown, enumerable: false },
    [Symbol.for("Deno.customInspect")]: {
      value: () => `HubCredentials ${Deno.inspect(shown())}`,
      enumerable: false,
    },
  });
  return credentials;
}
