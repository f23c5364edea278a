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
import { CALL_FAULT_NAMES } from "./_call_faults.ts";

/**
 * The recorded answers of the endpoints this module calls itself (whoami, model info, the
 * router): part of `FAULT_NAMES`, so every one is also tried on `whoami-v2`.
 */
export const MODULE_FAULT_NAMES = [
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

/** Every recorded-answer fault (see {@link RECORDED_FAULTS}). */
export const RECORDED_FAULT_NAMES = [...MODULE_FAULT_NAMES, ...CALL_FAULT_NAMES] as const;

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
  /** The request path (decoded), e.g. to answer a stream in the route's own event format. */
  path?: string;
  /** For `POST /api/repos/create`: the repo type and namespace asked for. */
  repoType?: string;
  /** For `POST /api/repos/create`: the namespace (organization, or the caller's name). */
  namespace?: string;
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
 * The Hub's 401 for a request it will not attribute (anonymous on a private repo, a token type
 * a Space endpoint refuses): "Invalid username or password." with `WWW-Authenticate`.
 */
function invalidUsernameOrPassword(): Response {
  return hubError(401, "Invalid username or password.", undefined, {
    "www-authenticate": WWW_AUTHENTICATE,
  });
}

/** TGI's stream headers, as recorded (tape 55d57dc6…: hf-inference text generation stream). */
const TGI_STREAM_HEADERS = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache",
  "access-control-allow-credentials": "true",
  vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
};

/**
 * An SSE answer that starts like a normal stream (two chunks in the route's own format:
 * OpenAI chat chunks on `/chat/completions`, TGI token events elsewhere) and then carries
 * the recorded error event. The real validation errors come as the first event; the two
 * chunks before it let a test see a stream that yields and then fails (the case of an
 * error during generation, which the same event reports).
 */
function streamThenError(
  ctx: RecordedContext,
  errorEvent: string,
  headers: Record<string, string>,
  options: { prefix?: string; done?: boolean } = {},
): Response {
  const prefix = options.prefix ?? "data: ";
  const created = Math.floor(Date.now() / 1000);
  const chat = (ctx.path ?? "").endsWith("/chat/completions");
  const chunks = chat
    ? [{ role: "assistant", content: "" }, { content: "Hello" }].map((delta) =>
      JSON.stringify({
        id: "chatcmpl-sandbox-stream-error",
        object: "chat.completion.chunk",
        created,
        model: ctx.model,
        system_fingerprint: "sandbox",
        choices: [{ index: 0, delta, logprobs: null, finish_reason: null }],
      })
    )
    : ["Hello", " from"].map((text, i) =>
      JSON.stringify({
        index: i + 1,
        token: { id: 15496 + i, text, logprob: -0.5, special: false },
        generated_text: null,
        details: null,
      })
    );
  const events = [...chunks, errorEvent, ...(options.done ? ["[DONE]"] : [])];
  return new Response(events.map((e) => `${prefix}${e}\n\n`).join(""), { status: 200, headers });
}

/** TGI's validation sentence as recorded (tape 55d57dc6…), with the token counts it quotes. */
const TGI_VALIDATION =
  "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. " +
  "Given: 17 `inputs` tokens and 10000 `max_new_tokens`";

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
 * - `429-provider` (no `Retry-After`), `429-hub` (`RateLimit` / `RateLimit-Policy`);
 * - a user's own calls (`calls_inference.json`, `calls_hub.json`): stream error events
 *   after HTTP 200, two normal chunks first (`stream-error-tgi-legacy`,
 *   `stream-error-tgi-legacy-nospace`, `stream-error-tgi`, `stream-error-tgi-overloaded`,
 *   `stream-error-vllm`, `stream-error-sglang`); provider envelopes
 *   (`provider-400-openai-error`, `provider-422-fastapi-detail`,
 *   `provider-400-fastapi-detail-string`, `provider-422-problem-json`,
 *   `provider-429-openai-rate-limit`, `hf-inference-400-validation-array`); a paused
 *   Inference Endpoint (`endpoint-paused`, `endpoint-paused-502`); Hub writes
 *   (`403-create-repo-namespace`, `403-create-repo-dataset`, `409-repo-exists`,
 *   `429-commit-quota`, `429-commit-quota-2023`, `413-too-many-parameters`, `413-commit`);
 *   the Space 401 for a browser-login token (`401-space-oauth`).
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
    respond: invalidUsernameOrPassword,
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
  "stream-error-tgi-legacy": {
    fixture: "tgi-stream-error-validation-2025",
    respond: (c) =>
      streamThenError(
        c,
        JSON.stringify({ error: TGI_VALIDATION, error_type: "validation" }),
        TGI_STREAM_HEADERS,
      ),
  },
  "stream-error-tgi-legacy-nospace": {
    fixture: "tgi-stream-error-validation-2024",
    respond: (c) =>
      streamThenError(
        c,
        JSON.stringify({
          error: "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 8192. " +
            "Given: 18 `inputs` tokens and 10000 `max_new_tokens`",
          error_type: "validation",
        }),
        {
          ...TGI_STREAM_HEADERS,
          "access-control-allow-origin": "*",
          vary: "origin, Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        },
        { prefix: "data:" },
      ),
  },
  "stream-error-tgi": {
    fixture: "tgi-stream-error-openai-event-2024",
    respond: (c) =>
      streamThenError(
        c,
        JSON.stringify({ error: { message: TGI_VALIDATION, http_status_code: 422 } }),
        TGI_STREAM_HEADERS,
      ),
  },
  "stream-error-tgi-overloaded": {
    fixture: "tgi-stream-error-overloaded-2026",
    respond: (c) =>
      streamThenError(
        c,
        JSON.stringify({ error: "Model is overloaded", error_type: "overloaded" }),
        TGI_STREAM_HEADERS,
        { prefix: "data:" },
      ),
  },
  "stream-error-vllm": {
    fixture: "vllm-stream-error-2024",
    respond: (c) =>
      streamThenError(
        c,
        // json.dumps spacing, as vLLM writes it
        '{"error": {"object": "error", "message": "This model\'s maximum context length is 4096 ' +
          "tokens. However, you requested 10017 tokens (17 in the messages, 10000 in the " +
          'completion). Please reduce the length of the messages or completion.", "type": ' +
          '"BadRequestError", "param": null, "code": 400}}',
        { "content-type": "text/event-stream; charset=utf-8" },
        { done: true },
      ),
  },
  "stream-error-sglang": {
    fixture: "sglang-stream-error-context-length-2026",
    respond: (c) =>
      streamThenError(
        c,
        '{"error": {"object": "error", "message": "Requested token count exceeds the model\'s ' +
          "maximum context length of 196608 tokens. You requested a total of 204830 tokens: " +
          "172830 tokens from the input messages and 32000 tokens for the completion. Please " +
          "reduce the number of tokens in the input messages or the completion to fit within the " +
          'limit.", "type": "BadRequestError", "param": null, "code": 400}}',
        { "content-type": "text/event-stream; charset=utf-8" },
        { done: true },
      ),
  },
  "provider-400-openai-error": {
    fixture: "together-400-openai-error-text-to-image-2025",
    respond: () =>
      jsonAnswer(400, {
        id: "sandbox-0000000000000000-CDG",
        error: {
          message: "Invalid request",
          type: "invalid_request_error",
          param: "model",
          code: null,
        },
      }, { "content-type": "application/json; charset=utf-8", "x-request-id": requestId() }),
  },
  "provider-422-fastapi-detail": {
    fixture: "fal-ai-422-fastapi-detail-array-2025",
    respond: () =>
      jsonAnswer(422, {
        detail: [{
          loc: ["body", "loras", 0, "path"],
          msg: "str type expected",
          type: "type_error.str",
        }],
      }, { "content-type": "application/json" }),
  },
  "provider-400-fastapi-detail-string": {
    fixture: "fal-ai-400-fastapi-detail-string-2025",
    respond: () =>
      jsonAnswer(400, { detail: "Unsupported data URL" }, { "content-type": "application/json" }),
  },
  "provider-422-problem-json": {
    fixture: "replicate-422-problem-json-text-to-image-2025",
    respond: () =>
      jsonAnswer(422, {
        detail: "- Additional property provider is not allowed\n",
        status: 422,
        title: "Input validation failed",
        invalid_fields: [{
          type: "additional_property_not_allowed",
          field: "",
          description: "Additional property provider is not allowed",
        }],
      }, {
        "content-type": "application/problem+json",
        "preference-applied": "wait=60",
        "ratelimit-remaining": "599",
        "ratelimit-reset": "1",
      }),
  },
  "provider-429-openai-rate-limit": {
    fixture: "groq-429-openai-rate-limit-2024",
    respond: () =>
      jsonAnswer(429, {
        error: {
          message: "Rate limit reached for model `llama3-70b-8192` in organization " +
            "`org_01hrsvc1b8ey0anvbgha0xckf2` on tokens per minute (TPM): Limit 7000, Used 0, " +
            "Requested ~12903. Please try again in 50.597142857s. Visit " +
            "https://console.groq.com/docs/rate-limits for more information.",
          type: "tokens",
          code: "rate_limit_exceeded",
        },
      }, { "content-type": "application/json" }),
  },
  "hf-inference-400-validation-array": {
    fixture: "hf-inference-400-validation-array-2025",
    respond: () =>
      jsonAnswer(400, { error: ["Error in `inputs.context`: field required"] }, {
        "content-type": "application/json",
        "access-control-allow-credentials": "true",
        server: "uvicorn",
        vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        "x-request-id": requestId(),
      }),
  },
  "endpoint-paused": {
    fixture: "endpoint-paused-400-invalid-state-2024",
    respond: () =>
      jsonAnswer(400, { error: "Bad Request: Invalid state" }, {
        "content-type": "application/json",
      }),
  },
  "endpoint-paused-502": {
    fixture: "endpoint-paused-502-2023",
    respond: () => new Response(null, { status: 502 }),
  },
  "403-create-repo-namespace": {
    fixture: "create-repo-403-no-rights-namespace-2024",
    respond: (c) =>
      hubError(
        403,
        `You don't have the rights to create a ${c.repoType ?? "model"} under the namespace ` +
          `"${c.namespace ?? c.model.split("/")[0]}"`,
      ),
  },
  "403-create-repo-dataset": {
    fixture: "create-repo-403-no-rights-dataset-2022",
    respond: (c) =>
      jsonAnswer(403, {
        error: `You don't have the rights to create a ${
          c.repoType ?? "dataset"
        } under this namespace`,
      }, hubHeaders()),
  },
  "409-repo-exists": {
    fixture: "create-repo-409-already-created-2025",
    respond: (c) =>
      jsonAnswer(409, {
        error: `You already created this ${c.repoType ?? "model"} repo`,
        url: `${c.hubUrl}/${
          c.repoType && c.repoType !== "model" ? `${c.repoType}s/` : ""
        }${c.model}`,
      }, hubHeaders()),
  },
  "429-commit-quota": {
    fixture: "commit-429-repository-commits-per-hour-2026",
    respond: () =>
      hubError(
        429,
        "You have exceeded the rate limit for repository commits (128 per hour). " +
          "You can retry this action in about 1 hour.",
        undefined,
        {
          // plenty left in the API window: this 429 is the per-action quota
          ratelimit: '"api";r=912;t=187',
          "ratelimit-policy": '"fixed window";"api";q=1000;w=300',
        },
      ),
  },
  "429-commit-quota-2023": {
    fixture: "commit-429-hourly-quota-2023",
    respond: () =>
      hubError(
        429,
        "You have exceeded our hourly quotas for action: commit. We invite you to retry later.",
      ),
  },
  "401-space-oauth": {
    fixture: "space-restart-401-oauth-token-2026",
    respond: invalidUsernameOrPassword,
  },
  "413-too-many-parameters": {
    fixture: "paths-info-413-too-many-parameters-2023",
    respond: () =>
      new Response("too many parameters", {
        status: 413,
        headers: { "content-type": "text/plain; charset=utf-8", "x-request-id": requestId() },
      }),
  },
  "413-commit": {
    fixture: "commit-413-payload-too-large-2022",
    respond: () => new Response(null, { status: 413, headers: { "x-request-id": requestId() } }),
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
  if (hf) return { model: hf[1], provider: "hf-inference", hubUrl, path };
  const api = /^\/api\/models\/(.+?)(?:\/auth-check|\/revision\/.*)?$/.exec(path);
  if (api) return { model: api[1], hubUrl, path };
  const file = /^\/(.+?)\/resolve\//.exec(path);
  if (file) return { model: file[1], hubUrl, path };
  if (path === "/api/repos/create" && request.method === "POST") {
    // {name, organization?, type?} as @huggingface/hub and huggingface_hub send it. The body
    // is read directly (no clone: that touches request.signal): a fault answers instead of
    // the route.
    const body = await request.json().catch(() => ({}));
    const namespace = typeof body?.organization === "string" ? body.organization : "sandbox-alice";
    const name = typeof body?.name === "string" ? body.name : "new-repo";
    const repoType = typeof body?.type === "string" ? body.type : "model";
    return { model: `${namespace}/${name}`, hubUrl, path, repoType, namespace };
  }
  const write = /^\/api\/(model|dataset|space)s\/(.+?)\/(?:commit|preupload|paths-info)(?:\/|$)/
    .exec(path);
  if (write) return { model: write[2], hubUrl, path, repoType: write[1] };
  const space = /^\/api\/spaces\/(.+?)\/(?:restart|sleeptime|hardware|pause|runtime)$/.exec(path);
  if (space) return { model: space[1], hubUrl, path, repoType: "space" };
  const provider = /^\/([a-z0-9-]+)\//.exec(path)?.[1];
  let model = "sandbox/tiny-chat";
  if (request.method === "POST") {
    try {
      // Read directly, not cloned (a clone touches request.signal): the fault answers
      // instead of the route, so the body is not needed again.
      const body = await request.json();
      if (typeof body?.model === "string") model = body.model.split(":")[0];
    } catch {
      // not JSON: keep the default
    }
  }
  const hubPath = provider === "api" || provider === undefined || provider === "v1";
  return { model, provider: hubPath ? undefined : provider, hubUrl, path };
}
