/**
 * Your own calls, explained: `explain(error)` turns whatever a cell caught into a
 * {@linkcode Diagnosis}; `inferenceClient()` is huggingface.js's `InferenceClient` bound to
 * the session token whose failures reject with an {@linkcode HfCallError} and whose short
 * rate-limit waits are waited out; `hubCredentials()` gives `@huggingface/hub` calls the
 * same token and recording fetch. The main entry point re-exports those five; the building
 * blocks (options types, the retry defaults) are here.
 *
 * @example Usage
 * ```ts
 * import { DEFAULT_MAX_RETRIES, DEFAULT_MAX_WAIT_SECONDS, explain } from "@hf-notebook/auth/calls";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DEFAULT_MAX_RETRIES, 2);
 * assert.equal(DEFAULT_MAX_WAIT_SECONDS, 60);
 * assert.equal((await explain(new Response("", { status: 413 }))).code, "payload-too-large");
 * ```
 *
 * @module
 */

export { explain } from "./explain.ts";
export type { ExplainOptions } from "./explain.ts";
export { Diagnosis } from "./diagnosis.ts";
export type { DiagnosisData } from "./diagnosis.ts";
export { HfCallError } from "./hf_call_error.ts";
export {
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_WAIT_SECONDS,
  inferenceClient,
} from "./inference_client.ts";
export type { HfInferenceClient, InferenceClientOptions, RetryWait } from "./inference_client.ts";
export { hubCredentials } from "./hub_credentials.ts";
export type { HubCredentials, HubCredentialsOptions } from "./hub_credentials.ts";
// The types these name (exported here too, so this entry point documents itself).
export type { EnvLike } from "../_env.ts";
export type { Displayable, MimeBundle } from "../display/displayable.ts";
export type { FailureCode } from "../_failure_classes.ts";
export type { HfAuthError } from "../errors.ts";
export type { NetworkOptions } from "../hub/endpoints.ts";
