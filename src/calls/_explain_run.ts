/**
 * The body of `explain(error)` and of `HfCallError`'s diagnosis (loaded on first use, so
 * importing the module stays cheap): whatever a notebook cell caught, as a {@linkcode Diagnosis}. The facts
 * are read from the error (huggingface.js's `httpResponse` / `statusCode` / `data`, a
 * `Response`, a stream's error event, a network `TypeError`), completed with the answer the
 * session's recording fetch saw for it (its headers), and handed to the one classifier with
 * what the session already knows about the token (no new whoami).
 *
 * @module
 */

import { ERROR_BODY_LIMIT, readBoundedText } from "../_body.ts";
import { FAILURE_CLASSES } from "../_failure_classes.ts";
import { obj } from "../_json.ts";
import { redact } from "../_mask.ts";
import {
  errorName,
  messageChain,
  type ObservedResponse,
  observeResponse,
} from "../_observation.ts";
import { shorten } from "../_text.ts";
import { diagnoseFailure, type FailureFacts } from "../hub/diagnose_failure.ts";
import { resolveEndpoints } from "../hub/endpoints.ts";
import type { ValidationData } from "../hub/types.ts";
import type { ExplainOptions } from "./explain.ts";
import { sessionState } from "../resolve/session_cache.ts";
import { Diagnosis } from "./diagnosis.ts";
import { HfCallError } from "./hf_call_error.ts";
import { recall } from "./_recent.ts";

/** How long a `Response` body may take to arrive before explain() stops waiting for it. */
const BODY_WAIT_MS = 2_000;
/** Longest reason or fix a diagnosis carries. */
const TEXT_MAX = 1_500;

/** What an error says about the answer behind it. */
interface Extracted {
  response?: ObservedResponse;
  event?: unknown;
  error: unknown;
  networkError?: unknown;
  model?: string;
  area?: FailureFacts["area"];
}

/** A body of unknown type as text, at most the error cap (longer: cut and marked). */
function boundedBody(value: unknown): { body?: string; bodyTruncated?: boolean } {
  if (value === undefined || value === null || value === "") return {};
  let text: string;
  try {
    text = typeof value === "string" ? value : JSON.stringify(value) ?? "";
  } catch {
    return {};
  }
  return text.length > ERROR_BODY_LIMIT
    ? { body: text.slice(0, ERROR_BODY_LIMIT), bodyTruncated: true }
    : { body: text };
}

async function readResponse(response: Response): Promise<ObservedResponse> {
  const observed = observeResponse(response, response.url);
  if (response.bodyUsed || !response.body) return observed;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const wait = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), BODY_WAIT_MS);
  });
  try {
    const read = await Promise.race([
      readBoundedText(response, ERROR_BODY_LIMIT).catch(() => undefined),
      wait,
    ]);
    if (!read) {
      response.body?.cancel().catch(() => {});
      return observed;
    }
    observed.body = read.text;
    observed.bodyLimit = ERROR_BODY_LIMIT;
    if (read.truncated) observed.bodyTruncated = true;
    return observed;
  } finally {
    clearTimeout(timer);
  }
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

async function extract(error: unknown): Promise<Extracted> {
  if (error instanceof Response) {
    const response = await readResponse(error);
    return { response, error: undefined };
  }
  const e = obj(error) ??
    (error instanceof Error ? error as unknown as Record<string, unknown> : undefined);
  if (!e) return { error };
  // @huggingface/inference: ProviderApiError / HubApiError keep `httpRequest` and `httpResponse`.
  const httpResponse = obj(e.httpResponse);
  if (httpResponse && typeof httpResponse.status === "number") {
    const request = obj(e.httpRequest);
    const sent = obj(request?.body);
    const status = httpResponse.status;
    const body = httpResponse.body;
    const event = status < 300 && obj(body)?.error !== undefined ? body : undefined;
    return {
      error,
      event,
      model: str(sent?.model),
      area: "inference",
      response: {
        status,
        url: str(request?.url),
        method: str(request?.method),
        requestId: str(httpResponse.requestId) || undefined,
        ...(event ? {} : boundedBody(body)),
      },
    };
  }
  // @huggingface/hub: HubApiError keeps `statusCode`, `url`, `requestId`, `data`.
  if (typeof e.statusCode === "number") {
    const data = e.data ?? (str(e.message) ? { error: e.message } : undefined);
    return {
      error,
      area: "hub",
      response: {
        status: e.statusCode,
        url: str(e.url),
        requestId: str(e.requestId),
        ...boundedBody(data),
      },
    };
  }
  // An error that carries the failed Response (a hand-written fetch wrapper's habit).
  if (e.response instanceof Response) {
    const response = await readResponse(e.response);
    return { error: undefined, response };
  }
  // A stream's error event (the parsed `data:` of the SSE event).
  if (!(error instanceof Error) && e.error !== undefined) return { error: undefined, event: error };
  // A fetch that failed without an answer.
  const name = errorName(error);
  if (
    name === "TypeError" &&
    /fetch|network|error sending request|connect|dns|lookup|refused|reset|tls|certificate/i.test(
      messageChain(error),
    )
  ) {
    return { error, networkError: error };
  }
  return { error };
}

/** The session's cached validation of `token`, if one exists (never a new whoami). */
async function cachedValidation(token: string | undefined): Promise<ValidationData | undefined> {
  if (!token) return undefined;
  const cached = sessionState().validations.get(token) as
    | Promise<{ outcome: ValidationData }>
    | undefined;
  if (!cached) return undefined;
  try {
    return (await cached).outcome;
  } catch {
    return undefined;
  }
}

function areaOf(
  url: string | undefined,
  hubUrl: string,
  inferenceUrl: string,
): FailureFacts["area"] | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    if (u.origin === new URL(inferenceUrl).origin) return "inference";
    if (u.origin === new URL(hubUrl).origin || u.pathname.startsWith("/api/")) return "hub";
  } catch {
    return undefined;
  }
  return undefined;
}

function providerOf(
  response: ObservedResponse | undefined,
  inferenceUrl: string,
): string | undefined {
  if (response?.provider) return response.provider;
  if (!response?.url) return undefined;
  try {
    const u = new URL(response.url);
    const base = new URL(inferenceUrl);
    if (u.origin !== base.origin && u.hostname !== "router.huggingface.co") return undefined;
    const first = u.pathname.split("/").filter(Boolean)[0];
    return first && first !== "v1" && first !== "models" ? first : undefined;
  } catch {
    return undefined;
  }
}

/** Context the calls pass in (what they know beyond the error). */
export interface DiagnoseErrorContext extends ExplainOptions {
  /** The answer the call's own recording fetch saw last. */
  observed?: ObservedResponse;
  /** The network error the call's recording fetch saw. */
  networkError?: unknown;
  /** The call's own validation of the token. */
  validation?: ValidationData;
  /** The token is a browser login (OAuth). */
  oauthToken?: boolean;
}

/** The shared body of `explain()` and `HfCallError` (never throws). */
export async function diagnoseError(
  error: unknown,
  context: DiagnoseErrorContext = {},
): Promise<Diagnosis> {
  const session = sessionState().resolution;
  const token = context.token ?? session?.token;
  const secrets = [token, session?.token, ...(context.secrets ?? [])];
  const clip = (text: string, max = TEXT_MAX) => shorten(text, max, secrets);
  // Already explained (an inferenceClient() failure): its diagnosis as it is.
  if (error instanceof HfCallError) return error.diagnosis;
  try {
    const { hubUrl, inferenceUrl } = (() => {
      try {
        return resolveEndpoints(context);
      } catch {
        return resolveEndpoints({ env: {} });
      }
    })();
    const found = await extract(error);
    const recorded = context.observed && (found.response === undefined ||
        context.observed.status === found.response.status)
      ? context.observed
      : recall(found.response?.status, found.response?.url);
    // The recorded answer has the headers the error objects drop; the error's own facts
    // (request id, url) fill what the record lacks.
    const response: ObservedResponse | undefined = recorded
      ? { ...found.response, ...recorded, ...(found.event ? { body: undefined } : {}) }
      : found.response;
    const validation = context.validation ?? await cachedValidation(token);
    const area = found.area === "hub"
      ? "hub"
      : areaOf(response?.url, hubUrl, inferenceUrl) ?? found.area ?? "inference";
    const write = area === "hub" && !!response?.method && response.method !== "GET" &&
      response.method !== "HEAD";
    const networkError = context.networkError ?? found.networkError;
    const d = diagnoseFailure({
      area,
      error: found.error,
      ...(response ? { response } : {}),
      ...(found.event !== undefined ? { event: found.event } : {}),
      ...(networkError !== undefined && !response ? { networkError } : {}),
      ...(context.model ?? found.model ? { target: context.model ?? found.model } : {}),
      ...(context.provider ? { provider: context.provider } : {}),
      ...(validation ? { validation } : {}),
      // The Hub's OAuth access tokens start with `hf_oauth_`; a browser login is one too.
      oauthToken: context.oauthToken ?? (!!token?.startsWith("hf_oauth_") ||
        (!!session?.browserLogin && token === session.token)),
      write,
      hubUrl,
      secrets,
    });
    const cls = FAILURE_CLASSES[d.code];
    const provider = context.provider && context.provider !== "auto"
      ? context.provider
      : providerOf(response, inferenceUrl);
    const model = context.model ?? found.model;
    return new Diagnosis({
      code: d.code,
      title: cls.title,
      reason: clip(d.reason),
      fix: clip(d.fix),
      // `unknown` cannot say whose fault it is: it does not blame the token.
      tokenFault: d.code === "unknown" ? false : d.tokenFault,
      ...(d.status !== undefined ? { status: d.status } : {}),
      ...(response?.requestId ? { requestId: clip(response.requestId, 120) } : {}),
      ...(provider ? { provider: clip(provider, 80) } : {}),
      ...(model ? { model: clip(model, 200) } : {}),
      ...(d.waitSeconds !== undefined ? { waitSeconds: d.waitSeconds } : {}),
      ...(response?.url ? { url: clip(response.url.split("?")[0], 300) } : {}),
    });
  } catch (failure) {
    // The last line of defence: explain() never throws.
    return new Diagnosis({
      code: "unknown",
      title: FAILURE_CLASSES.unknown.title,
      reason: clip(
        `The failure could not be read (${
          redact(failure instanceof Error ? failure.message : String(failure), secrets)
        }).`,
      ),
      fix: FAILURE_CLASSES.unknown.fix,
      tokenFault: false,
    });
  }
}
