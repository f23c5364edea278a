/**
 * `inferenceClient()`: huggingface.js's `InferenceClient`, bound to the session token, the
 * configured endpoints and the guarded recording fetch, whose failures say why
 * ({@linkcode HfCallError}) and whose rate limits are waited out when the wait asked for is
 * short (bounded retries, each wait shown).
 *
 * @module
 */

import type { InferenceClient } from "@huggingface/inference";
import type { NetworkOptions } from "../hub/endpoints.ts";
import type { Diagnosis } from "./diagnosis.ts";

/**
 * Default {@linkcode InferenceClientOptions.maxRetries}: retries of a 429 / 503 per call.
 *
 * @example Usage
 * ```ts
 * import { DEFAULT_MAX_RETRIES } from "@hf-notebook/auth/calls";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DEFAULT_MAX_RETRIES, 2);
 * ```
 */
export const DEFAULT_MAX_RETRIES = 2;
/**
 * Default {@linkcode InferenceClientOptions.maxWaitSeconds}: the longest asked wait that is
 * waited out (seconds).
 *
 * @example Usage
 * ```ts
 * import { DEFAULT_MAX_WAIT_SECONDS } from "@hf-notebook/auth/calls";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DEFAULT_MAX_WAIT_SECONDS, 60);
 * ```
 */
export const DEFAULT_MAX_WAIT_SECONDS = 60;

/** One wait before a retry, as shown to people (and given to `onWait`). */
export interface RetryWait {
  /** The method that is retried (`chatCompletion`). */
  method: string;
  /** 1 for the first retry. */
  attempt: number;
  /** The most retries this call makes. */
  maxRetries: number;
  /** Seconds waited before the retry. */
  seconds: number;
  /** Why: the diagnosis of the failed attempt (429 / 503). */
  diagnosis: Diagnosis;
}

/** Options of {@linkcode inferenceClient}. */
export interface InferenceClientOptions extends NetworkOptions {
  /** The token to use. Default: the session's (`getToken()`). */
  token?: string;
  /** Retries of a 429 / 503 whose asked wait fits `maxWaitSeconds`. @default {2} */
  maxRetries?: number;
  /** The longest wait (Retry-After, RateLimit reset, estimated_time) that is waited out. @default {60} */
  maxWaitSeconds?: number;
  /** A dedicated endpoint URL (as `InferenceClient`'s `endpointUrl`). */
  endpointUrl?: string;
  /** Bill the calls to an organisation (as `InferenceClient`'s `billTo`). */
  billTo?: string;
  /** Called for each wait; default: a line on stderr, or a live note under the Jupyter cell. */
  onWait?: (wait: RetryWait) => void;
  /** Whether waits are shown at all (`false`: only `onWait`). @default {true} */
  showWaits?: boolean;
  /** The sleep between attempts (tests inject one). Default: a timer that the signal cancels. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The session's `InferenceClient`: the same methods and signatures. */
export type HfInferenceClient = InferenceClient;

/**
 * Resolves to an `InferenceClient` (same methods, same signatures) bound to the session
 * token, the configured Hub / router endpoints and the guarded fetch — the token reaches
 * only those origins. A failed call rejects with an {@linkcode HfCallError} whose
 * `.diagnosis` says why, whose fault it is and what to do (`.cause` is the original error);
 * a streaming method turns an error event inside the stream into the same error.
 *
 * Bounded retries: a 429 or 503 is retried only when the wait it asks for (`Retry-After`,
 * the `RateLimit` reset, `estimated_time`) is at most `maxWaitSeconds` (60), at most
 * `maxRetries` times (2); no other status is retried, and huggingface.js's own unbounded
 * 503 retry is off. Each wait is shown: a line on stderr, a live note under the cell in
 * Jupyter.
 *
 * @example Usage (against the sandbox)
 * ```ts
 * import { HfCallError, inferenceClient } from "@hf-notebook/auth";
 * import { startSandbox } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * await using hub = await startSandbox();
 * const client = await inferenceClient({
 *   token: "hf_sandbox_read_alice",
 *   hubUrl: hub.url,
 *   inferenceUrl: hub.inferenceUrl,
 *   env: {},
 * });
 * const out = await client.chatCompletion({
 *   model: "meta-llama/Llama-3.1-8B-Instruct",
 *   messages: [{ role: "user", content: "hi" }],
 * });
 * assert.ok(out.choices.length > 0);
 * try {
 *   await client.chatCompletion({ model: "org/does-not-exist", messages: [] });
 * } catch (e) {
 *   assert.ok(e instanceof HfCallError);
 *   assert.equal(e.diagnosis.tokenFault, false);
 * }
 * ```
 *
 * @param options The token, endpoints, retry bounds and how waits are shown.
 * @returns The client.
 */
export async function inferenceClient(
  options: InferenceClientOptions = {},
): Promise<HfInferenceClient> {
  const { runInferenceClient } = await import("./_inference_client_run.ts");
  return await runInferenceClient(options);
}
