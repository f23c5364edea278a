/**
 * Faults that answer exactly as huggingface.co and router.huggingface.co were recorded
 * answering (internal). Each one names the fixture it reproduces
 * (`tests/fixtures/real_responses/*.json`, by id): the status, content type, error
 * headers and body shape are the recorded ones, with the request's own model id
 * substituted where the real answer names the model. `tests/sandbox_fixtures_test.ts`
 * checks every fault against its fixture's shape.
 *
 * @module
 */

import { requestId } from "./_http.ts";

/** The recorded-answer faults (see {@link RECORDED_FAULTS}). */
export const RECORDED_FAULT_NAMES = [
  "402-credits",
  "402-payg",
  "gated-login",
  "gated-awaiting-review",
  "gated-rejected",
  "gated-reset",
  "401-not-visible",
  "410-deprecated",
  "400-not-supported-by-provider",
  "v1-model-not-found",
  "v1-model-not-supported",
  "422-no-chat-template",
  "422-text-plain",
  "429-provider",
  "429-hub",
  "404-not-deployed",
  "404-model-does-not-exist",
] as const;

/** One recorded-answer fault's name. */
export type RecordedFaultName = (typeof RECORDED_FAULT_NAMES)[number];

/** What a recorded fault knows about the request it answers. */
export interface RecordedContext {
  /** The model or repo the request is about (from the path or the JSON body). */
  model: string;
  /** The provider of a router path (`hf-inference`, `together`, …), if any. */
  provider?: string;
  /** The hub's base URL (for links in messages). */
  hubUrl: string;
}

/** A recorded fault: the fixture it reproduces and how to answer. */
export interface RecordedFault {
  /** The fixture id in `tests/fixtures/real_responses/`. */
  fixture: string;
  /** The answer. */
  respond(ctx: RecordedContext): Response;
}

/** The Hub's JSON error headers, as recorded (cassette `test_chat_completion_unprocessable_entity`). */
function hubHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return {
    "content-type": "application/json; charset=utf-8",
    "x-request-id": requestId(),
    "x-powered-by": "huggingface-moon",
    "access-control-expose-headers":
      "X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,X-Total-Count,ETag,Link,Accept-Ranges,Content-Range",
    ...extra,
  };
}

function jsonAnswer(status: number, body: unknown, headers: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers });
}

/** `{"error": "…"}` with the same sentence in `X-Error-Message` (and `X-Error-Code` when given). */
function hubError(status: number, message: string, code?: string, extra = {}): Response {
  return jsonAnswer(
    status,
    { error: message },
    hubHeaders({ ...(code ? { "x-error-code": code } : {}), "x-error-message": message, ...extra }),
  );
}

/** The hf-inference / router JSON answer (tapes: `content-type: application/json`, `vary`). */
function routerError(status: number, body: unknown): Response {
  return jsonAnswer(status, body, {
    "content-type": "application/json",
    "access-control-allow-credentials": "true",
    vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
    "x-request-id": requestId(),
  });
}

function oaiError(status: number, message: string, code: string): Response {
  return jsonAnswer(status, {
    error: { message, type: "invalid_request_error", param: "model", code },
  }, {
    "content-type": "application/json; charset=utf-8",
    "x-request-id": requestId(),
  });
}

const WWW_AUTHENTICATE = 'Bearer realm="Authentication required", charset="UTF-8"';

/**
 * Every recorded-answer fault, keyed by name.
 * - `402-credits` / `402-payg`: 402 credits exhausted, 2025 and 2026 wording;
 * - `gated-login` (401), `gated-awaiting-review`, `gated-rejected`, `gated-reset` (403):
 *   `X-Error-Code: GatedRepo` with the Hub's sentence in `X-Error-Message`;
 * - `401-not-visible`: 401 "Invalid username or password." with `WWW-Authenticate`;
 * - `410-deprecated`, `400-not-supported-by-provider`, `404-not-deployed`,
 *   `404-model-does-not-exist`: hf-inference / provider answers;
 * - `v1-model-not-found`, `v1-model-not-supported`: the `/v1` OpenAI envelope;
 * - `422-no-chat-template` (JSON, `error_type: template_error`), `422-text-plain` (TGI);
 * - `429-provider` (no `Retry-After`), `429-hub` (`RateLimit` / `RateLimit-Policy`).
 */
export const RECORDED_FAULTS: Readonly<Record<RecordedFaultName, RecordedFault>> = {
  "402-credits": {
    fixture: "v1-402-credits-exceeded-2025",
    respond: () =>
      routerError(402, {
        error: "You have exceeded your monthly included credits for Inference Providers. " +
          "Subscribe to PRO to get 20x more monthly included credits.",
      }),
  },
  "402-payg": {
    fixture: "router-402-payg-not-enabled-2026",
    respond: (c) =>
      routerError(402, {
        error: `Pay-as-you go is not enabled for provider ${c.provider ?? "fal-ai"} yet.`,
      }),
  },
  "gated-login": {
    fixture: "auth-check-gated-401-login-2025",
    respond: (c) =>
      hubError(
        401,
        `Access to model ${c.model} is restricted. You must have access to it and be ` +
          "authenticated to access it. Please log in.",
        "GatedRepo",
      ),
  },
  "gated-awaiting-review": {
    fixture: "resolve-gated-403-awaiting-review-2024",
    respond: (c) =>
      hubError(
        403,
        `Your request to access model ${c.model} is awaiting a review from the repo authors.`,
        "GatedRepo",
      ),
  },
  "gated-rejected": {
    fixture: "auth-check-gated-403-rejected-2024",
    respond: () =>
      hubError(
        403,
        "Your request to access this repo has been rejected by the repo's authors.",
        "GatedRepo",
      ),
  },
  "gated-reset": {
    // No recording of this 2026 status's sentence exists yet (hub-docs#2799 documents the
    // `reset` status); the answer keeps the recorded shape of its gated siblings.
    fixture: "auth-check-gated-403-rejected-2024",
    respond: (c) =>
      hubError(
        403,
        `Your request to access model ${c.model} has been reset by the repo authors. ` +
          `Visit ${c.hubUrl}/${c.model} to request access again.`,
        "GatedRepo",
      ),
  },
  "401-not-visible": {
    fixture: "hf-inference-401-invalid-username-or-password-2025",
    respond: () =>
      jsonAnswer(
        401,
        { error: "Invalid username or password." },
        hubHeaders({
          "x-error-message": "Invalid username or password.",
          "www-authenticate": WWW_AUTHENTICATE,
        }),
      ),
  },
  "410-deprecated": {
    fixture: "hf-inference-410-deprecated-2026",
    respond: (c) =>
      routerError(410, {
        error: "The requested model is deprecated and no longer supported by provider " +
          `${c.provider ?? "hf-inference"}.`,
      }),
  },
  "400-not-supported-by-provider": {
    fixture: "together-400-model-not-supported-by-provider-2026",
    respond: (c) =>
      routerError(400, {
        error: `Model not supported by provider ${c.provider ?? "hf-inference"}`,
      }),
  },
  "v1-model-not-found": {
    // The envelope is the recorded /v1 one; no huggingface.co model_not_found answer was
    // recorded, so the sentence is the router's OpenAI-compatible one for unknown models.
    fixture: "v1-model-not-supported-by-enabled-providers-2025",
    respond: (c) =>
      oaiError(404, `The requested model '${c.model}' does not exist.`, "model_not_found"),
  },
  "v1-model-not-supported": {
    fixture: "v1-model-not-supported-by-enabled-providers-2025",
    respond: (c) =>
      oaiError(
        400,
        `The requested model '${c.model}' is not supported by any provider you have enabled.`,
        "model_not_supported",
      ),
  },
  "422-no-chat-template": {
    fixture: "hf-inference-chat-template-not-found-2025",
    respond: () =>
      routerError(422, {
        error: "Template error: template not found",
        error_type: "template_error",
      }),
  },
  "422-text-plain": {
    fixture: "hf-inference-422-text-plain-missing-messages-2025",
    respond: () =>
      new Response(
        "Failed to deserialize the JSON body into the target type: missing field `messages` " +
          "at line 1 column 143",
        {
          status: 422,
          headers: {
            "content-type": "text/plain; charset=utf-8",
            "access-control-allow-credentials": "true",
            vary: "origin, Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
          },
        },
      ),
  },
  "429-provider": {
    fixture: "api-inference-429-please-log-in-2025",
    respond: () => routerError(429, { error: "Please log in or use a HF access token" }),
  },
  "429-hub": {
    fixture: "whoami-rate-limited-2025",
    respond: () =>
      new Response(null, {
        status: 429,
        headers: {
          "content-type": "text/plain; charset=utf-8",
          "x-request-id": requestId(),
          ratelimit: '"api";r=0;t=55',
          "ratelimit-policy": '"fixed window";"api";q=500;w=300',
        },
      }),
  },
  "404-not-deployed": {
    fixture: "hf-inference-404-not-deployed-2026",
    respond: () =>
      new Response("Not Found", {
        status: 404,
        headers: { "content-type": "text/plain; charset=utf-8", "x-request-id": requestId() },
      }),
  },
  "404-model-does-not-exist": {
    fixture: "hf-inference-model-does-not-exist-2025",
    respond: (c) => routerError(404, { error: `Model ${c.model} does not exist` }),
  },
};

/** The model (or repo) and provider a request is about, for {@link RecordedContext}. */
export async function recordedContext(
  request: Request,
  url: URL,
  hubUrl: string,
): Promise<RecordedContext> {
  const path = decodeURIComponent(url.pathname);
  const hf = /^\/hf-inference\/models\/(.+?)(?:\/v1\/|\/pipeline\/|$)/.exec(path);
  if (hf) return { model: hf[1], provider: "hf-inference", hubUrl };
  const api = /^\/api\/models\/(.+?)(?:\/auth-check|\/revision\/.*)?$/.exec(path);
  if (api) return { model: api[1], hubUrl };
  const file = /^\/(.+?)\/resolve\//.exec(path);
  if (file) return { model: file[1], hubUrl };
  const provider = /^\/([a-z0-9-]+)\//.exec(path)?.[1];
  let model = "sandbox/tiny-chat";
  if (request.method === "POST") {
    try {
      const body = await request.clone().json();
      if (typeof body?.model === "string") model = body.model.split(":")[0];
    } catch {
      // not JSON: keep the default
    }
  }
  const hubPath = provider === "api" || provider === undefined || provider === "v1";
  return { model, provider: hubPath ? undefined : provider, hubUrl };
}
