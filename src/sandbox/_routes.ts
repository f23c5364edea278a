/**
 * The sandbox's Hub and router endpoints (internal): plain functions from a
 * request (plus who is calling) to a response.
 *
 * @module
 */

import { findModel, MODELS, type ProviderMapping, type SandboxModel } from "./models.ts";
import { type Persona, tokenScopes, whoamiResponse } from "./personas.ts";
import { gatedRepo, invalidCredentials, json, modelLoading, repoNotFound } from "./_http.ts";
import * as out from "./_outputs.ts";
import type { IssuedToken, OAuthServer } from "./_oauth.ts";
import { searchModels } from "./_model_search.ts";

/** Who is calling. */
export interface Caller {
  /** `none`: no Authorization header; `unknown`: a token no persona owns (or a rejected one). */
  auth: "none" | "persona" | "unknown";
  /** The persona, when `auth` is `persona` (for OAuth tokens: the persona whose access rules apply). */
  persona?: Persona;
  /** For a token the sandbox's OAuth endpoints issued (unexpired). */
  oauth?: IssuedToken;
}

/** Per-sandbox mutable state the routes need. */
export interface RouteContext {
  /** The hub's base URL (for messages). */
  hubUrl: string;
  /** Inference calls answered so far, per model id (for `loadingFor`). */
  loadingCounts: Map<string, number>;
  /** The OAuth server (issued tokens, device codes). */
  oauth?: OAuthServer;
  /** Repos created through `POST /api/repos/create` (ids). */
  createdRepos?: Set<string>;
}

function userOf(caller: Caller): string | undefined {
  return caller.persona?.username;
}

/** Whether the caller is rejected outright (unknown/expired/revoked token). */
export function rejected(caller: Caller): boolean {
  return caller.auth === "unknown" ||
    (caller.persona !== undefined && caller.persona.whoamiStatus === 401);
}

const ORG_MEMBERS: Record<string, string[]> = {
  sandbox: ["sandbox-alice"],
  "sandbox-labs": ["sandbox-alice"],
};

/** Whether the caller may see a (possibly private) repo. */
export function canSee(model: SandboxModel, caller: Caller): boolean {
  if (!model.private) return true;
  const persona = caller.persona;
  if (!persona || rejected(caller)) return false;
  if (persona.name === "orgApp") return false;
  const user = persona.username ?? "";
  const member = model.author === user || (ORG_MEMBERS[model.author] ?? []).includes(user);
  if (!member) return false;
  if (persona.role !== "fineGrained") return true;
  return tokenScopes(persona).some((s) =>
    (s.entity.name === model.author || s.entity.name === model.id) &&
    s.permissions.includes("repo.content.read")
  );
}

/** Whether the caller may download a gated repo's files. */
function gateOpen(model: SandboxModel, caller: Caller): boolean {
  if (!model.gated) return true;
  const persona = caller.persona;
  if (!persona || !persona.username) return false;
  if (!(model.acceptedBy ?? []).includes(persona.username)) return false;
  if (persona.role === "fineGrained") {
    const fg = (whoamiResponse(persona)?.auth as {
      accessToken?: { fineGrained?: { canReadGatedRepos?: boolean } };
    })?.accessToken?.fineGrained;
    return fg?.canReadGatedRepos === true;
  }
  return true;
}

function objectId(id: string): string {
  let a = 0x811c9dc5, b = 0x01000193;
  for (let i = 0; i < id.length; i++) {
    a = Math.imul(a ^ id.charCodeAt(i), 16777619) >>> 0;
    b = Math.imul(b ^ id.charCodeAt(i), 2246822507) >>> 0;
  }
  return ("6500" + a.toString(16).padStart(8, "0") + b.toString(16).padStart(8, "0") + "0000")
    .slice(0, 24);
}

function mappingDict(model: SandboxModel): Record<string, unknown> {
  return Object.fromEntries(
    model.providers.map((p) => [p.provider, {
      status: p.status,
      providerId: p.providerId,
      task: p.task,
    }]),
  );
}

function fullInfo(model: SandboxModel, listing: boolean): Record<string, unknown> {
  return {
    _id: objectId(model.id),
    id: model.id,
    modelId: model.id,
    author: model.author,
    sha: objectId(model.id + "sha").padEnd(40, "0"),
    lastModified: "2025-06-01T12:00:00.000Z",
    createdAt: "2024-01-01T00:00:00.000Z",
    private: model.private,
    disabled: false,
    gated: model.gated,
    pipeline_tag: model.pipelineTag,
    library_name: model.libraryName,
    tags: [model.libraryName, model.pipelineTag, "sandbox"],
    downloads: model.downloads,
    likes: model.likes,
    siblings: [{ rfilename: ".gitattributes" }, { rfilename: "README.md" }, {
      rfilename: "config.json",
    }],
    spaces: [],
    inferenceProviderMapping: listing ? model.providers.map((p) => ({ ...p })) : mappingDict(model),
  };
}

function expandKeys(params: URLSearchParams): string[] {
  return [...params.getAll("expand"), ...params.getAll("expand[]")];
}

function shape(model: SandboxModel, params: URLSearchParams, listing: boolean) {
  const full = fullInfo(model, listing);
  const expand = expandKeys(params);
  if (expand.length === 0) {
    if (listing) {
      const { siblings: _s, spaces: _sp, inferenceProviderMapping: _m, ...rest } = full;
      return rest;
    }
    const { inferenceProviderMapping: _m, ...rest } = full;
    return rest;
  }
  const picked: Record<string, unknown> = { _id: full._id, id: full.id };
  for (const key of expand) if (key in full) picked[key] = full[key];
  return picked;
}

const MODEL_ROUTE = /^\/api\/models\/(.+?)(?:\/(revision\/[^/]+|auth-check))?\/?$/;

/** Handles a request to the hub origin. */
export function handleHub(
  request: Request,
  url: URL,
  caller: Caller,
  ctx: RouteContext,
): Response | Promise<Response> {
  const path = decodeURIComponent(url.pathname);
  if (request.method === "GET" && path === "/api/whoami-v2") {
    if (caller.auth === "none") {
      return json(401, { error: "You must be authenticated to access this resource." });
    }
    if (rejected(caller) || !caller.persona) return invalidCredentials();
    const body = whoamiResponse(caller.persona);
    if (body && caller.oauth && ctx.oauth) {
      // OAuth tokens carry no auth.accessToken.displayName (huggingface_hub
      // tests/test_auth.py::test_token_name_fallback_for_oauth_tokens).
      return json(200, { ...body, auth: ctx.oauth.whoamiAuth(caller.oauth) });
    }
    return body ? json(200, body) : invalidCredentials();
  }
  if (rejected(caller)) return invalidCredentials();
  if (request.method === "GET" && path === "/api/models") return listModels(url, caller);

  const route = MODEL_ROUTE.exec(path);
  if (route && (request.method === "GET" || request.method === "HEAD")) {
    const model = findModel(route[1]);
    if (!model || !canSee(model, caller)) return repoNotFound(caller.auth === "none");
    if (route[2] === "auth-check") {
      return gateOpen(model, caller)
        ? json(200, { ok: true })
        : gatedRepo(model.id, caller.auth === "none", ctx.hubUrl);
    }
    return json(200, shape(model, url.searchParams, false));
  }

  const resolve = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(path);
  if (resolve && (request.method === "GET" || request.method === "HEAD")) {
    const model = findModel(resolve[1]);
    if (!model || !canSee(model, caller)) return repoNotFound(caller.auth === "none");
    if (!gateOpen(model, caller)) return gatedRepo(model.id, caller.auth === "none", ctx.hubUrl);
    if (resolve[3] !== "config.json" && resolve[3] !== "README.md") {
      return json(404, { error: "Entry not found" }, { "x-error-code": "EntryNotFound" });
    }
    const body = resolve[3] === "config.json"
      ? JSON.stringify({ model_type: "sandbox", architectures: ["SandboxModel"] })
      : `# ${model.id}\n\n${model.demonstrates}\n`;
    return new Response(request.method === "HEAD" ? null : body, {
      headers: {
        "content-type": resolve[3] === "config.json" ? "application/json" : "text/plain",
        "x-repo-commit": objectId(model.id + "sha").padEnd(40, "0"),
        etag: `"${objectId(model.id + resolve[3])}"`,
      },
    });
  }
  const write = hubWrite(request, path, caller, ctx);
  if (write) return write;
  return json(404, { error: "Sorry, we can't find the page you are looking for." });
}

/** Whether the caller's token may write to a namespace (classic write tokens, own namespace or org). */
function canWrite(caller: Caller, namespace: string): boolean {
  const persona = caller.persona;
  if (!persona || persona.role !== "write") return false;
  const user = persona.username ?? "";
  return namespace === user || (ORG_MEMBERS[namespace] ?? []).includes(user);
}

/**
 * The Hub write endpoints @huggingface/hub calls: `POST /api/repos/create`, and for a repo
 * `preupload`, `commit` and `paths-info`; `POST /api/spaces/{id}/restart` (which refuses
 * browser-login tokens, huggingface_hub#4972). Answers as recorded
 * (`tests/fixtures/real_responses/calls_hub.json`); nothing is stored but the repo names.
 */
function hubWrite(
  request: Request,
  path: string,
  caller: Caller,
  ctx: RouteContext,
): Response | Promise<Response> | undefined {
  if (request.method !== "POST") return undefined;
  if (caller.auth === "none") {
    return json(401, { error: "Invalid username or password." }, {
      "x-error-message": "Invalid username or password.",
      "www-authenticate": 'Bearer realm="Authentication required", charset="UTF-8"',
    });
  }
  if (path === "/api/repos/create") return createRepo(request, caller, ctx);
  const space = /^\/api\/spaces\/(.+?)\/(restart|sleeptime|hardware)$/.exec(path);
  if (space) {
    if (caller.oauth) {
      // huggingface_hub#4972: browser-login tokens get the anonymous 401 on these endpoints
      return json(401, { error: "Invalid username or password." }, {
        "x-error-message": "Invalid username or password.",
        "www-authenticate": 'Bearer realm="Authentication required", charset="UTF-8"',
      });
    }
    return json(200, {
      stage: "RUNNING_BUILDING",
      hardware: { current: null, requested: "cpu-basic" },
    });
  }
  const repo = /^\/api\/(model|dataset|space)s\/(.+?)\/(preupload|commit|paths-info)\/([^/]+)$/
    .exec(path);
  if (!repo) return undefined;
  const [, , id, action] = repo;
  const known = findModel(id) !== undefined || (ctx.createdRepos?.has(id) ?? false);
  if (!known) return repoNotFound(false);
  if (action === "paths-info") return json(200, []);
  if (!canWrite(caller, id.split("/")[0])) {
    const message = "You don't have the rights to write to this repository.";
    return json(403, { error: message }, { "x-error-message": message });
  }
  if (action === "preupload") {
    return request.json().then(
      (body: { files?: { path?: string }[] }) =>
        json(200, {
          files: (body.files ?? []).map((f) => ({
            path: f.path,
            uploadMode: "regular",
            shouldIgnore: false,
          })),
        }),
      () => json(400, { error: "Request body must be a JSON object." }),
    );
  }
  const oid = objectId(`${id}${Date.now()}`).padEnd(40, "0");
  return json(200, {
    success: true,
    commitOid: oid,
    commitUrl: `${ctx.hubUrl}/${id}/commit/${oid}`,
    hookOutput: "",
  });
}

/** `POST /api/repos/create` (reads the JSON body). */
async function createRepo(request: Request, caller: Caller, ctx: RouteContext): Promise<Response> {
  const body = await request.json().catch(() => ({})) as {
    name?: unknown;
    organization?: unknown;
    type?: unknown;
  };
  const user = caller.persona?.username ?? "sandbox-alice";
  const namespace = typeof body.organization === "string" ? body.organization : user;
  const type = typeof body.type === "string" ? body.type : "model";
  const id = `${namespace}/${String(body.name ?? "")}`;
  if (!canWrite(caller, namespace)) {
    // As recorded (fixture create-repo-403-no-rights-namespace-2024).
    const message =
      `You don't have the rights to create a ${type} under the namespace "${namespace}"`;
    return json(403, { error: message }, { "x-error-message": message });
  }
  const prefix = type === "model" ? "" : `${type}s/`;
  if (findModel(id) || ctx.createdRepos?.has(id)) {
    // As recorded (fixture create-repo-409-already-created-2024).
    return json(409, {
      error: `You already created this ${type} repo`,
      url: `${ctx.hubUrl}/${prefix}${id}`,
    });
  }
  ctx.createdRepos ??= new Set();
  ctx.createdRepos.add(id);
  return json(200, { url: `${ctx.hubUrl}/${prefix}${id}`, name: id, id });
}

function listModels(url: URL, caller: Caller): Response {
  return searchModels(
    url,
    MODELS,
    (m) => canSee(m, caller),
    (m) => shape(m, url.searchParams, true),
  );
}

// ---------------------------------------------------------------------------
// Router

function routerAuthError(caller: Caller): Response | undefined {
  if (caller.auth === "none") {
    return json(401, {
      error:
        "You must provide a Hugging Face token (Authorization: Bearer hf_…) to call Inference Providers.",
    });
  }
  if (rejected(caller) || !caller.persona) return invalidCredentials();
  if (!caller.persona.canInfer) {
    const who = caller.persona.name === "orgApp"
      ? `app ${caller.persona.username}`
      : `user ${userOf(caller)}`;
    return json(403, {
      error:
        `This authentication method does not have sufficient permissions to call Inference Providers on behalf of ${who}`,
    });
  }
  return undefined;
}

function oaiError(status: number, message: string, code: string): Response {
  return json(status, {
    error: { message, type: "invalid_request_error", param: "model", code },
  });
}

function loading(model: SandboxModel, ctx: RouteContext): Response | undefined {
  if (!model.loadingFor) return undefined;
  const seen = ctx.loadingCounts.get(model.id) ?? 0;
  ctx.loadingCounts.set(model.id, seen + 1);
  return seen < model.loadingFor ? modelLoading(model.id) : undefined;
}

async function readJson(request: Request): Promise<Record<string, unknown> | Response> {
  try {
    const body = await request.json();
    if (body && typeof body === "object" && !Array.isArray(body)) return body;
  } catch {
    // fall through
  }
  return json(400, { error: "Request body must be a JSON object." });
}

function byProviderId(provider: string, providerId: unknown): [SandboxModel, ProviderMapping] | [] {
  for (const model of MODELS) {
    const entry = model.providers.find((p) =>
      p.provider === provider && (p.providerId === providerId || model.id === providerId)
    );
    if (entry) return [model, entry];
  }
  return [];
}

function chatAnswer(
  model: SandboxModel,
  entry: ProviderMapping,
  body: Record<string, unknown>,
  ctx: RouteContext,
): Response {
  if (entry.task !== "conversational") {
    return oaiError(
      400,
      `Model ${model.id} is not a chat model on ${entry.provider} (task: ${entry.task}).`,
      "model_not_supported",
    );
  }
  const notReady = loading(model, ctx);
  if (notReady) return notReady;
  const name = entry.provider === "hf-inference" ? model.id : entry.providerId;
  if (body.stream === true) return out.chatCompletionStream(name, entry.provider, body);
  return json(200, out.chatCompletion(name, entry.provider, body));
}

/** Handles a request to the router origin. */
export async function handleRouter(
  request: Request,
  url: URL,
  caller: Caller,
  ctx: RouteContext,
): Promise<Response> {
  const path = decodeURIComponent(url.pathname).replace(/\/+$/, "");
  if (request.method !== "POST") {
    return json(405, { error: `Method ${request.method} not allowed on ${path}` });
  }
  const denied = routerAuthError(caller);
  if (denied) return denied;

  // Server-side auto routing: POST /v1/chat/completions {model: "id[:provider|:policy]"}
  if (path === "/v1/chat/completions") {
    const body = await readJson(request);
    if (body instanceof Response) return body;
    const [id, policy] = String(body.model ?? "").split(":");
    const model = findModel(id);
    if (!model || !canSee(model, caller)) {
      return oaiError(404, `The requested model '${id}' does not exist.`, "model_not_found");
    }
    const chat = model.providers.filter((p) => p.task === "conversational");
    const named = policy && !["fastest", "cheapest", "preferred"].includes(policy);
    const entry = named ? chat.find((p) => p.provider === policy) : chat[0];
    if (!entry) {
      return oaiError(
        400,
        named
          ? `The requested model '${id}' is not supported by provider '${policy}'.`
          : `The requested model '${id}' is not supported by any provider you have enabled.`,
        "model_not_supported",
      );
    }
    return chatAnswer(model, entry, body, ctx);
  }

  // hf-inference: /hf-inference/models/{id}[/v1/chat/completions|/v1/completions|/pipeline/{task}]
  const hf =
    /^\/hf-inference\/models\/(.+?)(\/v1\/chat\/completions|\/v1\/completions|\/pipeline\/[^/]+)?$/
      .exec(path);
  if (hf) {
    const model = findModel(hf[1]);
    const entry = model?.providers.find((p) => p.provider === "hf-inference");
    if (!model || !canSee(model, caller)) {
      // As recorded (fixture hf-inference-model-does-not-exist-2025).
      return json(404, { error: `Model ${hf[1]} does not exist` });
    }
    if (!entry) {
      // Known model, not deployed on hf-inference: a bare 404 (fixture
      // hf-inference-404-not-deployed-2026).
      return new Response("Not Found", {
        status: 404,
        headers: { "content-type": "text/plain; charset=utf-8" },
      });
    }
    const body = await readJson(request);
    if (body instanceof Response) return body;
    const route = hf[2] ?? "";
    if (route === "/v1/chat/completions") return chatAnswer(model, entry, body, ctx);
    const notReady = loading(model, ctx);
    if (notReady) return notReady;
    if (route === "/v1/completions") {
      if (entry.task !== "text-generation") {
        return json(400, { error: `Model ${model.id} does not support text-generation.` });
      }
      return json(200, out.textCompletion(model.id, body));
    }
    const task = route.startsWith("/pipeline/") ? route.slice("/pipeline/".length) : entry.task;
    switch (task === "sentence-similarity" ? "feature-extraction" : task) {
      case "text-classification":
        return json(200, out.textClassification(body.inputs));
      case "token-classification":
        return json(200, out.tokenClassification(body.inputs));
      case "feature-extraction":
        return json(200, out.featureExtraction(body.inputs));
      default:
        return json(400, {
          error: `Task ${task} is not supported by ${model.id} on hf-inference.`,
        });
    }
  }

  // Third-party providers: /{provider}/v1/chat/completions, /{provider}/v1/completions
  const third = /^\/([a-z0-9-]+)\/v1\/(chat\/completions|completions)$/.exec(path);
  if (third) {
    const body = await readJson(request);
    if (body instanceof Response) return body;
    const [model, entry] = byProviderId(third[1], body.model);
    if (!model || !entry || !canSee(model, caller)) {
      // As recorded (fixture together-400-model-not-supported-by-provider-2026).
      return json(400, { error: `Model not supported by provider ${third[1]}` });
    }
    if (third[2] === "chat/completions") return chatAnswer(model, entry, body, ctx);
    if (entry.task !== "text-generation") {
      return json(400, { error: `Model ${entry.providerId} does not support completions.` });
    }
    const notReady = loading(model, ctx);
    if (notReady) return notReady;
    return json(200, out.textCompletion(entry.providerId, body));
  }
  return json(404, { error: `Not Found: ${path}` });
}
