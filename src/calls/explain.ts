/**
 * `explain(error)`: whatever a notebook cell caught, as a {@linkcode Diagnosis}. The work is
 * in `_explain_run.ts`, loaded on the first call (importing the module stays cheap).
 *
 * @module
 */

import type { EnvLike } from "../_env.ts";
import type { Diagnosis } from "./diagnosis.ts";

/** Options of {@linkcode explain}. */
export interface ExplainOptions {
  /** The model the call was about (named in the card when the error does not say). */
  model?: string;
  /** The provider that was asked. */
  provider?: string;
  /** The token the call used, when it is not the session's: masked in every text. */
  token?: string;
  /** More secrets to mask in every text. */
  secrets?: readonly (string | undefined)[];
  /** Hub base URL (default `HF_ENDPOINT`, else `https://huggingface.co`). */
  hubUrl?: string;
  /** Router base URL (default `HF_INFERENCE_ENDPOINT`, else the real router). */
  inferenceUrl?: string;
  /** Where `HF_ENDPOINT` & co. are read. */
  env?: EnvLike;
}

/**
 * Explains a failure: takes whatever a notebook cell caught — an error from
 * `@huggingface/inference` (`ProviderApiError`, `HubApiError`, `InputError`,
 * `RoutingError`) or `@huggingface/hub` (`HubApiError`), a failed `Response` (its body read
 * up to 64 KiB, or already read), a stream's error event, a network `TypeError`, anything
 * else — and resolves to a {@linkcode Diagnosis}: the failure class, whose fault it is, the
 * fix, the status, provider, model and request id. A card in Jupyter, text in a terminal.
 *
 * It uses the session's cached token validation (no new whoami) to tell a token problem
 * from everything else, and the answer the session's recording fetches saw
 * (`inferenceClient()`, `hubCredentials()`) for the headers an error object drops. Never
 * throws; every text is bounded, cleaned and masked with the session's token.
 *
 * @example A provider's 429
 * ```ts
 * import { explain } from "@hf-notebook/auth";
 * import assert from "node:assert/strict";
 *
 * const d = await explain(
 *   new Response('{"error":{"message":"Rate limit reached","type":"rate_limit"}}', {
 *     status: 429,
 *     headers: { "content-type": "application/json", "retry-after": "2" },
 *   }),
 * );
 * assert.equal(d.code, "provider-rate-limited");
 * assert.equal(d.waitSeconds, 2);
 * assert.equal(d.tokenFault, false);
 * ```
 *
 * @example Anything at all
 * ```ts
 * import { explain } from "@hf-notebook/auth";
 * import assert from "node:assert/strict";
 *
 * assert.equal((await explain(undefined)).code, "unknown");
 * assert.equal((await explain("boom")).code, "unknown");
 * ```
 *
 * @param error What the cell caught.
 * @param options The model / provider / token of the call, the endpoints.
 * @returns The diagnosis.
 */
export async function explain(error: unknown, options: ExplainOptions = {}): Promise<Diagnosis> {
  const { diagnoseError } = await import("./_explain_run.ts");
  return await diagnoseError(error, options);
}
