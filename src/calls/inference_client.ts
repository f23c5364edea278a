/**
 * `inferenceClient()`: huggingface.js's `InferenceClient`, bound to the session token, the
 * configured endpoints and the guarded recording fetch, whose failures say why
 * ({@linkcode HfCallError}) and whose rate limits are waited out when the wait asked for is
 * short (bounded retries, each wait shown).
 *
 * @module
 */

import type { InferenceClient } from "@huggingface/inference";
import { loadInferenceClient } from "../_clients.ts";
import { jupyterApi } from "../_jupyter.ts";
import { escapeHtml } from "../display/_html.ts";
import { retryAfterSeconds } from "../_observation.ts";
import { guardedFetch, type NetworkOptions, resolveEndpoints } from "../hub/endpoints.ts";
import { cleanText } from "../_text.ts";
import { callFetch, callToken } from "./_call_setup.ts";
import type { Diagnosis } from "./diagnosis.ts";
import { diagnoseError } from "./explain.ts";
import { HfCallError } from "./hf_call_error.ts";

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

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function waitLine(wait: RetryWait): string {
  return cleanText(
    `⏳ ${wait.method}: ${wait.diagnosis.title} (${wait.diagnosis.status ?? "?"}), waiting ` +
      `${wait.seconds} s as asked, then retry ${wait.attempt}/${wait.maxRetries}…`,
  );
}

/** Shows each wait: a live note (one per call, updated) in Jupyter, else a line on stderr. */
function waitShower(): (wait: RetryWait, callId: string) => void {
  const jupyter = jupyterApi();
  const shown = new Set<string>();
  return (wait, callId) => {
    const line = waitLine(wait);
    if (jupyter) {
      const update = shown.has(callId);
      shown.add(callId);
      jupyter.display(
        {
          "text/plain": line,
          "text/html": `<div style="opacity:0.78;font-size:12px">${escapeHtml(line)}</div>`,
        },
        { raw: true, display_id: callId, ...(update ? { update: true } : {}) },
      ).catch(() => {});
    } else {
      console.error(line);
    }
  };
}

let calls = 0;

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
  const { InferenceClient } = await loadInferenceClient();
  const { hubUrl, inferenceUrl } = resolveEndpoints(options);
  const token = await callToken(options);
  const rec = callFetch(guardedFetch({ ...options, hubUrl, inferenceUrl }));
  const maxRetries = Math.max(0, Math.floor(options.maxRetries ?? DEFAULT_MAX_RETRIES));
  const maxWait = Math.max(0, options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS);
  const sleep = options.sleep ?? defaultSleep;
  const show = options.showWaits === false ? undefined : waitShower();
  const base = new InferenceClient(token, {
    fetch: rec.fetch,
    retry_on_error: false,
    ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
    ...(options.billTo ? { billTo: options.billTo } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });

  const context = (args: unknown) => {
    const a = args && typeof args === "object" ? args as Record<string, unknown> : {};
    return {
      token,
      hubUrl,
      inferenceUrl,
      env: options.env,
      model: typeof a.model === "string" ? a.model : undefined,
      provider: typeof a.provider === "string" ? a.provider : undefined,
      observed: rec.last(),
      networkError: rec.lastError(),
    };
  };

  /** The wait a failed attempt asks for, when it may be retried; else `undefined`. */
  const retryWait = (d: Diagnosis, attempt: number): number | undefined => {
    if (attempt >= maxRetries || (d.status !== 429 && d.status !== 503)) return undefined;
    if (d.code === "action-quota") return undefined; // an hour-long window is not waited out
    const asked = d.waitSeconds ?? retryAfterSeconds(rec.last()?.retryAfter);
    return asked !== undefined && asked <= maxWait ? asked : undefined;
  };

  const pause = async (
    method: string,
    d: Diagnosis,
    attempt: number,
    seconds: number,
    callId: number,
  ) => {
    const wait: RetryWait = { method, attempt: attempt + 1, maxRetries, seconds, diagnosis: d };
    options.onWait?.(wait);
    show?.(wait, `hfna-wait-${callId}`);
    await sleep(seconds * 1000, options.signal);
  };

  const wrapCall =
    (method: string, fn: (...a: unknown[]) => Promise<unknown>) => async (...args: unknown[]) => {
      const callId = ++calls;
      for (let attempt = 0;; attempt++) {
        try {
          return await fn(...args);
        } catch (error) {
          const d = await diagnoseError(error, context(args[0]));
          const seconds = retryWait(d, attempt);
          if (seconds === undefined) throw new HfCallError(d, error);
          await pause(method, d, attempt, seconds, callId);
        }
      }
    };

  const wrapStream = (method: string, fn: (...a: unknown[]) => AsyncIterable<unknown>) =>
    async function* (...args: unknown[]) {
      const callId = ++calls;
      for (let attempt = 0;; attempt++) {
        let yielded = false;
        try {
          for await (const chunk of fn(...args)) {
            yielded = true;
            yield chunk;
          }
          return;
        } catch (error) {
          const d = await diagnoseError(error, context(args[0]));
          // Once part of the answer was yielded, a retry would repeat it: no retry then.
          const seconds = yielded ? undefined : retryWait(d, attempt);
          if (seconds === undefined) throw new HfCallError(d, error);
          await pause(method, d, attempt, seconds, callId);
        }
      }
    };

  // A new object (not a Proxy: the client's methods are non-configurable, read-only own
  // properties, which a Proxy must return unchanged), with the client's prototype.
  const wrap = (client: InferenceClient): InferenceClient => {
    const wrapped = Object.create(Object.getPrototypeOf(client)) as InferenceClient;
    const own = client as unknown as Record<string, unknown>;
    for (const key of Object.getOwnPropertyNames(client)) {
      const value = own[key];
      if (typeof value !== "function") continue;
      Object.defineProperty(wrapped, key, {
        enumerable: false,
        value: key.endsWith("Stream")
          ? wrapStream(key, value as (...a: unknown[]) => AsyncIterable<unknown>)
          : wrapCall(key, value as (...a: unknown[]) => Promise<unknown>),
      });
    }
    Object.defineProperty(wrapped, "endpoint", {
      enumerable: false,
      value: (url: string) => wrap(client.endpoint(url)),
    });
    return wrapped;
  };
  return wrap(base);
}
