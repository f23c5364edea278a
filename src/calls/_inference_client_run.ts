/**
 * The body of `inferenceClient()` (loaded on first use, so importing the module stays cheap):
 * the wrapped client, its bounded retries and how each wait is shown.
 *
 * @module
 */

import type { InferenceClient } from "@huggingface/inference";
import { loadInferenceClient } from "../_clients.ts";
import { jupyterApi } from "../_jupyter.ts";
import { escapeHtml } from "../display/_html.ts";
import { retryAfterSeconds } from "../_observation.ts";
import { guardedFetch, resolveEndpoints } from "../hub/endpoints.ts";
import { cleanText } from "../_text.ts";
import { callFetch, callToken } from "./_call_setup.ts";
import type { Diagnosis } from "./diagnosis.ts";
import { diagnoseError } from "./_explain_run.ts";
import { HfCallError } from "./hf_call_error.ts";
import {
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_WAIT_SECONDS,
  type InferenceClientOptions,
  type RetryWait,
} from "./inference_client.ts";
import { abortableSleep } from "../_sleep.ts";

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

/** The body of `inferenceClient()`. */
export async function runInferenceClient(
  options: InferenceClientOptions,
): Promise<InferenceClient> {
  const { InferenceClient } = await loadInferenceClient();
  const { hubUrl, inferenceUrl } = resolveEndpoints(options);
  const token = await callToken(options);
  const rec = callFetch(guardedFetch({ ...options, hubUrl, inferenceUrl }));
  const maxRetries = Math.max(0, Math.floor(options.maxRetries ?? DEFAULT_MAX_RETRIES));
  const maxWait = Math.max(0, options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS);
  const sleep = options.sleep ?? abortableSleep;
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
