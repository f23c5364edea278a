/**
 * Where requests go. `HF_ENDPOINT` means what it means in huggingface_hub (the
 * Hub's base URL, e.g. a mirror); `HF_INFERENCE_ENDPOINT` is the Inference
 * Providers router's base URL. Options win over the environment, the
 * environment over the real Hugging Face origins.
 *
 * @module
 */

import { type EnvLike, envNonEmpty } from "../_env.ts";

/**
 * The real Hub.
 *
 * @example Usage
 * ```ts
 * import { DEFAULT_HUB_URL, resolveEndpoints } from "@hf-notebook/auth/hub";
 * import assert from "node:assert/strict";
 *
 * assert.equal(resolveEndpoints({ env: {} }).hubUrl, DEFAULT_HUB_URL);
 * ```
 */
export const DEFAULT_HUB_URL = "https://huggingface.co";
/**
 * The real Inference Providers router.
 *
 * @example Usage
 * ```ts
 * import { DEFAULT_INFERENCE_URL, resolveEndpoints } from "@hf-notebook/auth/hub";
 * import assert from "node:assert/strict";
 *
 * assert.equal(resolveEndpoints({ env: {} }).inferenceUrl, DEFAULT_INFERENCE_URL);
 * ```
 */
export const DEFAULT_INFERENCE_URL = "https://router.huggingface.co";
/** Legacy serverless inference origin still named by older guides (seed 003). */
export const LEGACY_INFERENCE_URL = "https://api-inference.huggingface.co";

/**
 * Options every network function takes (the huggingface.js pattern): inject a
 * `fetch` in tests instead of patching globals.
 */
export interface NetworkOptions {
  /** Hub base URL. Default: `HF_ENDPOINT`, else `https://huggingface.co`. */
  hubUrl?: string;
  /** Router base URL. Default: `HF_INFERENCE_ENDPOINT`, else `https://router.huggingface.co`. */
  inferenceUrl?: string;
  /** The fetch to use. Default: `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Cancels the request(s). */
  signal?: AbortSignal;
  /** Where `HF_ENDPOINT` & co. are read from. Default: `Deno.env`. */
  env?: EnvLike;
}

/** The two resolved base URLs (no trailing slash). */
export interface Endpoints {
  /** Hub base URL. */
  hubUrl: string;
  /** Inference router base URL. */
  inferenceUrl: string;
}

function clean(url: string, what: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new TypeError(
      `${what} is not a URL (${JSON.stringify(url)}). Set it to a base URL such as ` +
        `"https://huggingface.co", or unset it to use the real Hugging Face Hub.`,
    );
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new TypeError(`${what} must be an http(s) URL, got ${parsed.protocol}//.`);
  }
  return parsed.href.replace(/\/+$/, "");
}

/**
 * Resolves the Hub and router base URLs from options, then the environment,
 * then the real Hugging Face origins.
 *
 * @example Usage
 * ```ts
 * import { resolveEndpoints } from "@hf-notebook/auth/hub";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(resolveEndpoints({ env: {} }), {
 *   hubUrl: "https://huggingface.co",
 *   inferenceUrl: "https://router.huggingface.co",
 * });
 * assert.deepEqual(
 *   resolveEndpoints({ env: { HF_ENDPOINT: "http://127.0.0.1:9/" } }).hubUrl,
 *   "http://127.0.0.1:9",
 * );
 * ```
 *
 * @param options Explicit URLs and the environment to read.
 * @returns The base URLs without trailing slashes.
 */
export function resolveEndpoints(options: NetworkOptions = {}): Endpoints {
  const hub = options.hubUrl ?? envNonEmpty(options.env, "HF_ENDPOINT");
  const inference = options.inferenceUrl ?? envNonEmpty(options.env, "HF_INFERENCE_ENDPOINT");
  return {
    hubUrl: hub ? clean(hub, options.hubUrl ? "hubUrl" : "HF_ENDPOINT") : DEFAULT_HUB_URL,
    inferenceUrl: inference
      ? clean(inference, options.inferenceUrl ? "inferenceUrl" : "HF_INFERENCE_ENDPOINT")
      : DEFAULT_INFERENCE_URL,
  };
}

function rebase(url: URL, fromOrigin: string, toBase: string): URL | undefined {
  if (url.origin !== fromOrigin) return undefined;
  const base = new URL(toBase);
  const prefix = base.pathname.replace(/\/+$/, "");
  return new URL(prefix + url.pathname + url.search + url.hash, base.origin);
}

/**
 * Builds the `fetch` handed to the Hugging Face clients. It
 * - maps the default Hugging Face origins onto the configured endpoints (so the
 *   real `@huggingface/hub` / `@huggingface/inference` code paths can be pointed
 *   at a mirror or the sandbox hub), and
 * - strips `Authorization` from any request whose origin is not the configured
 *   Hub or router: the token never reaches another host.
 *
 * @example Usage
 * ```ts
 * import { guardedFetch } from "@hf-notebook/auth/hub";
 * import assert from "node:assert/strict";
 *
 * const seen: string[] = [];
 * const fake: typeof fetch = (input, init) => {
 *   const req = new Request(input, init);
 *   seen.push(`${req.url} auth=${req.headers.has("authorization")}`);
 *   return Promise.resolve(new Response("{}"));
 * };
 * const f = guardedFetch({ hubUrl: "http://127.0.0.1:9", fetch: fake, env: {} });
 * const auth = { headers: { Authorization: "Bearer hf_x" } };
 * await f("https://huggingface.co/api/whoami-v2", auth);
 * await f("https://example.com/x", auth);
 * assert.deepEqual(seen, [
 *   "http://127.0.0.1:9/api/whoami-v2 auth=true",
 *   "https://example.com/x auth=false",
 * ]);
 * ```
 *
 * @param options Endpoints, the underlying fetch and the environment.
 * @returns A fetch with the same signature as `globalThis.fetch`.
 */
export function guardedFetch(options: NetworkOptions = {}): typeof fetch {
  const { hubUrl, inferenceUrl } = resolveEndpoints(options);
  const inner = options.fetch ?? globalThis.fetch;
  const allowed = new Set([new URL(hubUrl).origin, new URL(inferenceUrl).origin]);
  return (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const target = rebase(url, new URL(DEFAULT_HUB_URL).origin, hubUrl) ??
      rebase(url, new URL(DEFAULT_INFERENCE_URL).origin, inferenceUrl) ??
      rebase(url, new URL(LEGACY_INFERENCE_URL).origin, inferenceUrl) ??
      url;
    const headers = new Headers(request.headers);
    if (!allowed.has(target.origin)) headers.delete("authorization");
    const signal = options.signal && request.signal
      ? AbortSignal.any([options.signal, request.signal])
      : options.signal ?? request.signal;
    return inner(
      new Request(target, {
        method: request.method,
        headers,
        body: request.body,
        redirect: request.redirect,
        signal,
        // deno-lint-ignore no-explicit-any
        ...(request.body ? { duplex: "half" } as any : {}),
      }),
    );
  };
}
