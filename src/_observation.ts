/**
 * The one recorded-response type and the one recording `fetch` (internal): what a
 * diagnosis reads from an HTTP answer — status, the deciding headers, a bounded body, the
 * network error — recorded by a fetch wrapper that whoami, probe(), `inferenceClient()` and
 * `hubCredentials()` all hand to the Hugging Face clients. Also the small readers every
 * diagnosis shares (error message chain, `Retry-After`, HTML detection, JSON narrowing).
 *
 * An error answer's body is read here through {@linkcode readBoundedText} (at most
 * {@linkcode ERROR_BODY_LIMIT} bytes) and handed to the client as a fresh response holding
 * just that text, so an endless or huge error answer costs the cap, never more.
 *
 * @module
 */

import { describeLimit, ERROR_BODY_LIMIT, readBoundedText } from "./_body.ts";
import { type Json, obj } from "./_json.ts";

/** One HTTP answer (or its absence), as a diagnosis reads it. Never holds a request header. */
export interface ObservedResponse {
  /** Request URL (after endpoint mapping). */
  url?: string;
  /** Request method (`GET`, `POST`…): a Hub write fails for other reasons than a read. */
  method?: string;
  /** HTTP status. */
  status: number;
  /** HTTP status text (`Not Found`), when the server sent one. */
  statusText?: string;
  /** `Content-Type` header. */
  contentType?: string;
  /** `Retry-After` header. */
  retryAfter?: string;
  /** `X-Error-Code` header (`GatedRepo`, `RepoNotFound`, `EntryNotFound`, `RevisionNotFound`). */
  errorCode?: string;
  /** `X-Error-Message` header (the Hub's own sentence for the error). */
  errorMessage?: string;
  /** `WWW-Authenticate` header (sent with 401s). */
  wwwAuthenticate?: string;
  /** IETF `RateLimit` header, e.g. `"api";r=0;t=55` (or the older `ratelimit-*` triple, joined). */
  rateLimit?: string;
  /** IETF `RateLimit-Policy` header, e.g. `"fixed window";"api";q=500;w=300`. */
  rateLimitPolicy?: string;
  /** `ratelimit-reset` (seconds), from RFC 7807-style providers that send the older triple. */
  rateLimitReset?: string;
  /** `ratelimit-remaining`, from the same providers. */
  rateLimitRemaining?: string;
  /** `X-Request-Id` header (quote it when reporting a problem). */
  requestId?: string;
  /** `x-inference-provider` header: the provider the router chose. */
  provider?: string;
  /** The body of a non-2xx response, read up to the error cap. */
  body?: string;
  /** The body was longer than {@linkcode bodyLimit} and was cut (diagnosed `response-too-large`). */
  bodyTruncated?: boolean;
  /** The cap the body was read with, in bytes. */
  bodyLimit?: number;
}

/** A fetch that remembers the last answer it saw. */
export interface RecordingFetch {
  /** The fetch to hand to clients. */
  fetch: typeof fetch;
  /** The last answer, if any. */
  last(): ObservedResponse | undefined;
  /** The network error of the last request, if it failed without an answer. */
  lastError(): unknown;
  /** Number of requests started. */
  count(): number;
}

const HEADERS: [keyof ObservedResponse, string][] = [
  ["contentType", "content-type"],
  ["retryAfter", "retry-after"],
  ["errorCode", "x-error-code"],
  ["errorMessage", "x-error-message"],
  ["wwwAuthenticate", "www-authenticate"],
  ["rateLimit", "ratelimit"],
  ["rateLimitPolicy", "ratelimit-policy"],
  ["rateLimitReset", "ratelimit-reset"],
  ["rateLimitRemaining", "ratelimit-remaining"],
  ["requestId", "x-request-id"],
  ["provider", "x-inference-provider"],
];

/**
 * What the diagnosis reads from a response's headers: status, content type and the
 * structured error signals. The body is not read.
 */
export function observeResponse(response: Response, url: string): ObservedResponse {
  const observed: ObservedResponse = { url, status: response.status };
  if (response.statusText) observed.statusText = response.statusText;
  for (const [field, name] of HEADERS) {
    const value = response.headers.get(name);
    if (value) (observed as unknown as Record<string, string>)[field] = value;
  }
  return observed;
}

const NULL_BODY = new Set([101, 204, 205, 304]);

/** Called with every answer a {@linkcode recordingFetch} sees (for the session's last answer). */
export type ObservationSink = (observed: ObservedResponse) => void;

/**
 * Wraps a fetch so a diagnosis can see what actually came back. For a non-2xx answer the
 * body is read here (bounded, {@linkcode ERROR_BODY_LIMIT}) and the client gets a new
 * response with the same status and headers holding that text; a 2xx answer passes through
 * untouched (streams stay streams).
 */
export function recordingFetch(
  inner: typeof fetch,
  options: {
    /** Cap for an error answer's body (read here). Default {@linkcode ERROR_BODY_LIMIT}. */
    limit?: number;
    /**
     * Cap for a 2xx body, which the client reads: past it the body errors and the answer is
     * recorded as cut (`bodyTruncated`). Default: none (a user's own download or stream may be
     * large); the probe sets one.
     */
    okLimit?: number;
    onObservation?: ObservationSink;
  } = {},
): RecordingFetch {
  let last: ObservedResponse | undefined;
  let lastError: unknown;
  let count = 0;
  const limit = options.limit ?? ERROR_BODY_LIMIT;
  const wrapped: typeof fetch = async (input, init) => {
    count++;
    lastError = undefined;
    let response: Response;
    try {
      response = await inner(input, init);
    } catch (error) {
      lastError = error;
      throw error;
    }
    const url = response.url || (input instanceof Request ? input.url : String(input));
    const observed = observeResponse(response, url);
    const method = init?.method ?? (input instanceof Request ? input.method : "GET");
    observed.method = method.toUpperCase();
    last = observed;
    options.onObservation?.(observed);
    if (NULL_BODY.has(response.status)) return response;
    if (response.ok) {
      return options.okLimit === undefined
        ? response
        : capped(response, url, options.okLimit, () => {
          observed.bodyTruncated = true;
          observed.bodyLimit = options.okLimit;
          last = observed; // the cut answer is what the failure is about
        });
    }
    try {
      const body = await readBoundedText(response, limit);
      observed.body = body.text;
      observed.bodyLimit = limit;
      if (body.truncated) observed.bodyTruncated = true;
    } catch (error) {
      // Body unreadable (reset mid-body): the client sees the same failure.
      lastError = error;
      throw error;
    }
    const copy = new Response(observed.body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    Object.defineProperty(copy, "url", { value: url });
    return copy;
  };
  return { fetch: wrapped, last: () => last, lastError: () => lastError, count: () => count };
}

/**
 * `response` with a body that errors once more than `limit` bytes went through (the source is
 * cancelled, so the connection is released): a client reading it holds at most the cap.
 */
function capped(response: Response, url: string, limit: number, onCut: () => void): Response {
  const source = response.body;
  if (!source) return response;
  const reader = source.getReader();
  let bytes = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      bytes += value.byteLength;
      if (bytes > limit) {
        onCut();
        reader.cancel().catch(() => {});
        controller.error(
          new TypeError(`answer larger than ${describeLimit(limit)}: a proxy or a broken server`),
        );
        return;
      }
      controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  const copy = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  Object.defineProperty(copy, "url", { value: url });
  return copy;
}

/** `error.name` when it is a string, else `""`. */
export function errorName(error: unknown): string {
  const e = obj(error) ?? (error instanceof Error ? error as unknown as Json : undefined);
  return typeof e?.name === "string" ? e.name : "";
}

/** `error.message` (or the value as a string), never throwing. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  const e = obj(error);
  if (typeof e?.message === "string") return e.message;
  if (error === undefined || error === null) return "";
  try {
    return typeof error === "object" ? "" : String(error);
  } catch {
    return "";
  }
}

/**
 * The chain of an error and its causes (at most five), each as `name: message` plus a
 * string `code` (Deno's `ECONNREFUSED` & co.), joined with ` | `: for network errors.
 */
export function messageChain(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let i = 0; current !== undefined && current !== null && i < 5; i++) {
    const name = errorName(current);
    const message = errorMessage(current);
    parts.push(name && message ? `${name}: ${message}` : name || message);
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") parts.push(code);
    current = typeof current === "object" ? (current as { cause?: unknown }).cause : undefined;
  }
  return parts.filter(Boolean).join(" | ");
}

/** What a network failure was, read from the error chain (Deno's and undici's messages). */
export type NetworkKind = "dns" | "refused" | "tls" | "reset" | "other";

/** Classifies a network error chain (see {@linkcode messageChain}). */
export function networkKind(chain: string): NetworkKind {
  if (/refused|ECONNREFUSED/i.test(chain)) return "refused";
  if (
    /dns|lookup|name or service not known|nodename nor servname|getaddrinfo|ENOTFOUND|name resolution/i
      .test(chain)
  ) return "dns";
  if (/certificate|tls|ssl|handshake/i.test(chain)) return "tls";
  if (
    /reset|closed|broken pipe|incomplete|unexpected (eof|end)|end of file|ECONNRESET|connection error|aborted by peer/i
      .test(chain)
  ) return "reset";
  return "other";
}

/**
 * Seconds a `Retry-After` header asks for: delta-seconds or an HTTP date (RFC 9110 §10.2.3);
 * `undefined` when absent or unreadable. `now` in ms.
 */
export function retryAfterSeconds(
  header: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed));
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Whether an answer is an HTML page (by content type, or a body that starts like one). */
export function isHtml(contentType: string | undefined, body: string | undefined): boolean {
  return /text\/html/i.test(contentType ?? "") ||
    /^\s*<(!doctype|html|head|body)/i.test(body ?? "");
}

/** `text` parsed as a JSON object, else `undefined`. */
export function parseJsonObject(text: string | undefined): Json | undefined {
  if (!text) return undefined;
  try {
    return obj(JSON.parse(text));
  } catch {
    return undefined;
  }
}
