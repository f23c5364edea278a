/**
 * A loopback fake of huggingface.co and router.huggingface.co for tests,
 * notebooks and demos. It answers what this project calls — `whoami-v2`,
 * model info and listings, auth checks, the Inference Providers router — with
 * the real response shapes, so the real `@huggingface/hub` and
 * `@huggingface/inference` clients work against it unmodified.
 *
 * The hub and the router listen on two ports (two origins), like the real
 * services. Point clients at them with `hubUrl`/`inferenceUrl` (or
 * `HF_ENDPOINT`/`HF_INFERENCE_ENDPOINT`, see {@link Sandbox.env}) and a fetch
 * from `guardedFetch`.
 *
 * @example Usage
 * ```ts
 * import { whoAmI } from "@huggingface/hub";
 * import { InferenceClient } from "@huggingface/inference";
 * import { guardedFetch } from "@hf-notebook/auth/hub";
 * import { PERSONAS, startSandbox } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * await using hub = startSandbox({ quiet: true });
 * const token = PERSONAS.read.token;
 * assert.deepEqual((await whoAmI({ hubUrl: hub.url, accessToken: token })).name, "sandbox-alice");
 *
 * const fetch = guardedFetch({ hubUrl: hub.url, inferenceUrl: hub.inferenceUrl, env: {} });
 * const client = new InferenceClient(token, { fetch });
 * const reply = await client.chatCompletion({
 *   model: "sandbox/tiny-chat",
 *   messages: [{ role: "user", content: "hi" }],
 * });
 * assert.match(reply.choices[0].message.content ?? "", /sandbox/);
 * ```
 *
 * @module
 */

import { faultMatches, type FaultRule, type FaultTarget, parseFault } from "./faults.ts";
import { personaByToken } from "./personas.ts";
import { htmlErrorPage, INTERNAL_ERROR, json, RATE_LIMITED } from "./_http.ts";
import { type Caller, handleHub, handleRouter, type RouteContext } from "./_routes.ts";
import {
  type IssuedToken,
  oauthError,
  type OAuthPersonaName,
  OAuthServer,
  reportIssuedSecrets,
  type SandboxOAuthOptions,
} from "./_oauth.ts";
import { RECORDED_FAULTS, recordedContext, type RecordedFaultName } from "./_recorded.ts";

export * from "./personas.ts";
export {
  DEVICE_CODE_GRANT,
  GITHUB_ISSUER,
  ID_TOKEN_TYPE,
  type IssuedToken,
  OAUTH_PERSONAS,
  type OAuthPersona,
  type OAuthPersonaName,
  type SandboxOAuthOptions,
  TOKEN_EXCHANGE_GRANT,
  TRUSTED_PUBLISHERS,
} from "./_oauth.ts";
export * from "./models.ts";
export * from "./faults.ts";

/**
 * Options for {@link startSandbox}.
 *
 * @example Usage
 * ```ts
 * import { type SandboxOptions, startSandbox } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * const options: SandboxOptions = { quiet: true, latencyMs: 5 };
 * await using hub = startSandbox(options);
 * assert.match(hub.inferenceUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
 * ```
 */
export interface SandboxOptions {
  /** Interface to listen on. Default `127.0.0.1` (loopback only). */
  hostname?: string;
  /** Hub port. Default `0` (any free port). */
  port?: number;
  /** Router port. Default `0` (any free port). */
  routerPort?: number;
  /** Delay every answer by this many milliseconds. Default `0`. */
  latencyMs?: number;
  /** Do not print the listening addresses. Default `false`. */
  quiet?: boolean;
  /**
   * The sandbox clock, ms since the epoch (default `Date.now`). Device codes,
   * OAuth tokens and OIDC id tokens expire by it; {@link Sandbox.advanceClock}
   * moves it on.
   */
  now?: () => number;
  /** OAuth server tunables (device-code interval and lifetime, token lifetimes). */
  oauth?: SandboxOAuthOptions;
}

/**
 * One request the sandbox received. Never contains a token.
 *
 * @example Usage
 * ```ts
 * import { PERSONAS, type SandboxRequest, startSandbox } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * await using hub = startSandbox({ quiet: true });
 * const headers = { authorization: `Bearer ${PERSONAS.write.token}` };
 * await (await fetch(`${hub.url}/api/whoami-v2`, { headers })).body?.cancel();
 * const [seen]: readonly SandboxRequest[] = hub.requests;
 * assert.deepEqual([seen.origin, seen.persona, seen.status], ["hub", "write", 200]);
 * ```
 */
export interface SandboxRequest {
  /** When it arrived (ISO 8601). */
  at: string;
  /** HTTP method. */
  method: string;
  /** Which listener: `hub`, `router`, or `github` (the fake GitHub Actions id-token service). */
  origin: "hub" | "router" | "github";
  /** Path and query. */
  path: string;
  /** Whether an `Authorization` header was present. */
  authorization: boolean;
  /**
   * The persona the token belongs to (`oauth:<name>` / `oidc:<name>` for tokens
   * the OAuth endpoints issued), `"unknown"` for other tokens, `null` without one.
   */
  persona: string | null;
  /** For `POST /oauth/token`: the form's (or JSON body's) `grant_type`. */
  grantType?: string;
  /** The fault applied, if any. */
  fault?: string;
  /** Response status; `0` for `reset`/`hang`, `undefined` while in flight. */
  status?: number;
}

/**
 * A running sandbox. Close it with `await sandbox.close()` or `await using`.
 *
 * @example Usage
 * ```ts
 * import { type Sandbox, startSandbox } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * const hub: Sandbox = startSandbox({ quiet: true });
 * assert.equal(hub.env.HF_ENDPOINT, hub.url);
 * await hub.close();
 * ```
 */
export interface Sandbox {
  /** Hub base URL, e.g. `http://127.0.0.1:41234` (stands for https://huggingface.co). */
  readonly url: string;
  /** Router base URL on its own port (stands for https://router.huggingface.co). */
  readonly inferenceUrl: string;
  /** `HF_ENDPOINT` and `HF_INFERENCE_ENDPOINT` pointing at this sandbox. */
  readonly env: { HF_ENDPOINT: string; HF_INFERENCE_ENDPOINT: string };
  /** Requests received so far (oldest first). */
  readonly requests: readonly SandboxRequest[];
  /** Adds a fault rule; rules are checked in the order they were added. */
  setFault(rule: FaultRule): void;
  /** Removes all fault rules. */
  clearFaults(): void;
  /** Sets the delay applied to every answer. */
  setLatency(ms: number): void;
  /** Forgets recorded requests. */
  clearRequests(): void;
  /** The sandbox clock, ms since the epoch (see {@link SandboxOptions.now}). */
  now(): number;
  /**
   * Moves the sandbox clock on, e.g. by 30 days so browser-login tokens expire.
   *
   * @example Usage
   * ```ts
   * import { startSandbox } from "@hf-notebook/auth/sandbox";
   * import assert from "node:assert/strict";
   *
   * await using hub = startSandbox({ quiet: true });
   * const { access_token } = hub.issueOAuthToken();
   * const headers = { authorization: `Bearer ${access_token}` };
   * assert.equal((await (await fetch(`${hub.url}/api/whoami-v2`, { headers })).json()).auth.type, "oauth");
   * hub.advanceClock(30 * 86_400_000);
   * const late = await fetch(`${hub.url}/api/whoami-v2`, { headers });
   * assert.equal(late.status, 401);
   * await late.body?.cancel();
   * ```
   */
  advanceClock(ms: number): void;
  /** Changes OAuth tunables (interval, lifetimes) from now on. */
  setOAuth(options: SandboxOAuthOptions): void;
  /**
   * Approves a pending device login as if a person clicked Authorize on
   * `{hub}/oauth/device` (headless runs). `persona` defaults to `alice`.
   * Returns `false` for an unknown, expired or already decided code.
   *
   * @example Usage
   * ```ts
   * import { DEVICE_CODE_GRANT, startSandbox } from "@hf-notebook/auth/sandbox";
   * import assert from "node:assert/strict";
   *
   * await using hub = startSandbox({ quiet: true, oauth: { interval: 1 } });
   * const form = (o: Record<string, string>) => ({ method: "POST", body: new URLSearchParams(o) });
   * const device = await (await fetch(`${hub.url}/oauth/device`, form({ client_id: "demo" }))).json();
   * assert.match(device.user_code, /^[A-Z]{4}-[A-Z]{4}$/);
   * assert.equal(hub.approveDevice(device.user_code, "pat"), true);
   * const poll = form({ grant_type: DEVICE_CODE_GRANT, device_code: device.device_code, client_id: "demo" });
   * const answer = await (await fetch(`${hub.url}/oauth/token`, poll)).json();
   * assert.equal(answer.token_type, "bearer");
   * assert.equal(hub.requests.filter((r) => r.path === "/oauth/token").length, 1);
   * ```
   */
  approveDevice(userCode: string, persona?: OAuthPersonaName): boolean;
  /** Denies a pending device login (the next poll answers `access_denied`). */
  denyDevice(userCode: string): boolean;
  /** User codes of device logins still waiting for a decision, oldest first. */
  pendingDeviceCodes(): string[];
  /**
   * Issues a browser-login token pair directly, as if a device login had just
   * completed: `access_token`, `refresh_token`, `expires_in` (s) and
   * `expiresAt` (ms, sandbox clock). For tests that seed `stored_tokens`.
   */
  issueOAuthToken(
    persona?: OAuthPersonaName,
    clientId?: string,
  ): { access_token: string; refresh_token: string; expires_in: number; expiresAt: number };
  /** Invalidates every refresh token (the next refresh answers `invalid_grant`). */
  revokeRefreshTokens(): void;
  /** What the sandbox knows about an OAuth/OIDC token it issued and that has not expired. */
  oauthToken(token: string): IssuedToken | undefined;
  /**
   * The fake GitHub Actions id-token service on its own origin (not a Hub
   * origin). `env` holds `GITHUB_ACTIONS`, `ACTIONS_ID_TOKEN_REQUEST_URL` and
   * `ACTIONS_ID_TOKEN_REQUEST_TOKEN` as a GitHub runner sets them when the job
   * has `permissions: id-token: write`.
   */
  readonly github: {
    readonly url: string;
    readonly requestToken: string;
    readonly env: {
      GITHUB_ACTIONS: string;
      ACTIONS_ID_TOKEN_REQUEST_URL: string;
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: string;
    };
  };
  /**
   * Signs an OIDC id token the sandbox's token exchange accepts (defaults: GitHub
   * issuer, `repository: "sandbox-alice/ci"`, `aud` = the hub URL, 5 minutes);
   * override any claim, e.g. `{ aud: "x" }` or `{ exp: 0 }`, to test refusals.
   */
  mintIdToken(claims?: Record<string, unknown>): Promise<string>;
  /** Stops both listeners; hanging requests are released. */
  close(): Promise<void>;
  /** Same as {@link Sandbox.close}. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Waits `ms` (at most ~24 days) or until one of the signals aborts; leaves no timer or listener. */
function sleep(ms: number, signals: AbortSignal[]): Promise<void> {
  return new Promise((resolve) => {
    if (signals.some((s) => s.aborted)) return resolve();
    const done = () => {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.min(ms, 2_147_483_647));
    for (const s of signals) s.addEventListener("abort", done);
  });
}

function callerOf(request: Request, oauth: OAuthServer): Caller {
  const header = request.headers.get("authorization");
  if (!header) return { auth: "none" };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const issued = match ? oauth.tokenInfo(match[1]) : undefined;
  if (issued) return { auth: "persona", persona: oauth.basePersona(issued), oauth: issued };
  const persona = match ? personaByToken(match[1]) : undefined;
  return persona ? { auth: "persona", persona } : { auth: "unknown" };
}

function ruleFromJson(value: unknown): FaultRule {
  const raw = value as {
    fault?: unknown;
    times?: unknown;
    match?: { path?: unknown; pathRegex?: unknown; persona?: unknown; origin?: unknown };
  };
  if (!raw || typeof raw.fault !== "string") {
    throw new TypeError('Expected {"fault": "<fault>", "match"?: {...}, "times"?: n}.');
  }
  parseFault(raw.fault);
  const m = raw.match ?? {};
  const match: FaultRule["match"] = {};
  if (typeof m.pathRegex === "string") match.path = new RegExp(m.pathRegex);
  else if (typeof m.path === "string") match.path = m.path;
  if (typeof m.persona === "string") match.persona = m.persona;
  if (m.origin === "hub" || m.origin === "router" || m.origin === "github") match.origin = m.origin;
  return {
    fault: raw.fault,
    match,
    ...(typeof raw.times === "number" ? { times: raw.times } : {}),
  };
}

function ruleToJson(rule: FaultRule): unknown {
  const path = rule.match?.path;
  return {
    fault: rule.fault,
    times: rule.times,
    match: {
      ...rule.match,
      path: typeof path === "string" ? path : undefined,
      pathRegex: path instanceof RegExp ? path.source : undefined,
    },
  };
}

/**
 * Starts the sandbox hub and router on loopback ports.
 *
 * Faults: add a header `x-sandbox-fault: <fault>` to one request, call
 * {@link Sandbox.setFault}, or (from another process) `POST /__sandbox/faults`
 * with `{"fault": "429", "match": {"path": "/api/whoami-v2"}, "times": 1}`
 * (`pathRegex` for a regular expression); `DELETE /__sandbox/faults` clears
 * them, `GET /__sandbox/requests` lists recorded requests, `POST
 * /__sandbox/latency` with `{"ms": 200}` sets the latency. `reset` answers with
 * a `303` redirect to a port that closes every connection at once, so a
 * client following redirects (the default) sees a network error.
 *
 * @example Usage
 * ```ts
 * import { whoAmI } from "@huggingface/hub";
 * import { PERSONAS, startSandbox } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * await using hub = startSandbox({ quiet: true });
 * hub.setFault({ match: { path: "/api/whoami-v2" }, fault: "500", times: 1 });
 * await assert.rejects(() => whoAmI({ hubUrl: hub.url, accessToken: PERSONAS.read.token }));
 * const me = await whoAmI({ hubUrl: hub.url, accessToken: PERSONAS.read.token });
 * assert.deepEqual(me.type, "user");
 * assert.deepEqual(hub.requests.map((r) => r.status), [500, 200]);
 * ```
 *
 * @param options Listening addresses, latency, quietness.
 * @returns The running sandbox.
 */
export function startSandbox(options: SandboxOptions = {}): Sandbox {
  const hostname = options.hostname ?? "127.0.0.1";
  const closing = new AbortController();
  const rules: FaultRule[] = [];
  const requests: SandboxRequest[] = [];
  let latencyMs = options.latencyMs ?? 0;
  let clockOffset = 0;
  const baseNow = options.now ?? Date.now;
  const now = () => baseNow() + clockOffset;
  const context: RouteContext = { hubUrl: "", loadingCounts: new Map() };
  const oauth = new OAuthServer(now, () => context.hubUrl, options.oauth);
  context.oauth = oauth;
  const githubRequestToken = `sandbox-github-request-${crypto.randomUUID()}`;
  reportIssuedSecrets(githubRequestToken);

  // `reset`: a port that accepts and immediately closes every connection.
  const resetListener = Deno.listen({ hostname, port: 0 });
  const resetLoop = (async () => {
    try {
      for await (const conn of resetListener) conn.close();
    } catch {
      // listener closed
    }
  })();
  const resetUrl = `http://${hostname}:${resetListener.addr.port}`;

  function pickFault(request: Request, target: FaultTarget, caller: Caller): string | undefined {
    const header = request.headers.get("x-sandbox-fault");
    if (header) return header;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i];
      if (!faultMatches(rule.match, target)) continue;
      if (rule.times !== undefined && --rule.times <= 0) rules.splice(i, 1);
      return rule.fault;
    }
    return caller.persona?.fault;
  }

  function control(request: Request, url: URL): Promise<Response> | Response {
    const what = url.pathname.slice("/__sandbox".length);
    if (what === "/faults" && request.method === "POST") {
      return request.json().then((body) => {
        const list = Array.isArray(body) ? body : [body];
        for (const item of list) rules.push(ruleFromJson(item));
        return json(200, { ok: true, faults: rules.map(ruleToJson) });
      }).catch((e) => json(400, { error: String(e instanceof Error ? e.message : e) }));
    }
    if (what === "/faults" && request.method === "DELETE") {
      rules.length = 0;
      return json(200, { ok: true, faults: [] });
    }
    if (what === "/faults" && request.method === "GET") {
      return json(200, { faults: rules.map(ruleToJson) });
    }
    if (what === "/latency" && request.method === "POST") {
      return request.json().then((body) => {
        latencyMs = Math.max(0, Number(body?.ms) || 0);
        return json(200, { ok: true, latencyMs });
      }).catch(() => json(400, { error: 'Expected {"ms": <number>}.' }));
    }
    if (what === "/requests" && request.method === "GET") return json(200, requests);
    if (what === "/requests" && request.method === "DELETE") {
      requests.length = 0;
      return json(200, { ok: true });
    }
    if (what.startsWith("/oauth/") || what === "/clock") {
      return request.text().then((text) => {
        const body = text ? JSON.parse(text) : {};
        if (what === "/clock") {
          if (request.method === "POST") sandbox.advanceClock(Number(body?.advanceMs) || 0);
          return json(200, { now: now() });
        }
        switch (what) {
          case "/oauth/approve":
            return json(200, { ok: sandbox.approveDevice(String(body.user_code), body.persona) });
          case "/oauth/deny":
            return json(200, { ok: sandbox.denyDevice(String(body.user_code)) });
          case "/oauth/pending":
            return json(200, { user_codes: sandbox.pendingDeviceCodes() });
          case "/oauth/issue":
            return json(200, sandbox.issueOAuthToken(body.persona, body.client_id));
          case "/oauth/revoke":
            sandbox.revokeRefreshTokens();
            return json(200, { ok: true });
          case "/oauth/options":
            sandbox.setOAuth(body ?? {});
            return json(200, { ok: true, options: oauth.options });
          case "/oauth/id-token":
            return sandbox.mintIdToken(body?.claims ?? {}).then((value) => json(200, { value }));
        }
        return json(404, { error: `Unknown sandbox control endpoint ${url.pathname}` });
      }).catch((e) => json(400, { error: String(e instanceof Error ? e.message : e) }));
    }
    if (what === "" || what === "/") {
      return json(200, { hubUrl: sandbox.url, inferenceUrl: sandbox.inferenceUrl, latencyMs });
    }
    return json(404, { error: `Unknown sandbox control endpoint ${url.pathname}` });
  }

  async function answer(
    request: Request,
    url: URL,
    origin: "hub" | "router" | "github",
    caller: Caller,
  ): Promise<Response> {
    if (origin === "github") return await oauth.githubIdToken(request, url, githubRequestToken);
    if (origin === "hub" && url.pathname === "/oauth/token" && request.method === "POST") {
      return await oauth.token(request);
    }
    if (origin === "hub" && url.pathname === "/oauth/device") {
      // One path, two audiences: the device endpoint (form `client_id`) and the
      // verification page (GET, or POST with `action`).
      if (request.method === "POST") {
        const text = await request.text();
        const copy = new Request(request.url, {
          method: "POST",
          headers: request.headers,
          body: text,
        });
        if (!new URLSearchParams(text).has("action")) return await oauth.deviceAuthorization(copy);
        return await oauth.verificationPage(copy, url);
      }
      if (request.method === "GET" || request.method === "POST") {
        return await oauth.verificationPage(request, url);
      }
    }
    return origin === "hub"
      ? handleHub(request, url, caller, context)
      : await handleRouter(request, url, caller, context);
  }

  function handlerFor(origin: "hub" | "router" | "github") {
    return async (incoming: Request): Promise<Response> => {
      const url = new URL(incoming.url);
      // OAuth bodies are read more than once (record + route); a detached copy
      // avoids Request.clone(), which touches request.signal.
      let request = incoming;
      let oauthBody: string | undefined;
      if (origin === "hub" && url.pathname.startsWith("/oauth/") && incoming.method === "POST") {
        oauthBody = await incoming.text();
        request = new Request(incoming.url, {
          method: "POST",
          headers: incoming.headers,
          body: oauthBody,
        });
      }
      if (url.pathname === "/__sandbox" || url.pathname.startsWith("/__sandbox/")) {
        return control(request, url);
      }
      const caller = origin === "github" ? { auth: "none" as const } : callerOf(request, oauth);
      const persona = caller.oauth
        ? `${caller.oauth.kind === "oidc" ? "oidc" : "oauth"}:${caller.oauth.persona.name}`
        : caller.persona?.name ?? (caller.auth === "unknown" ? "unknown" : null);
      const record: SandboxRequest = {
        at: new Date().toISOString(),
        method: request.method,
        origin,
        path: url.pathname + url.search,
        authorization: request.headers.has("authorization"),
        persona,
      };
      if (oauthBody !== undefined && url.pathname === "/oauth/token") {
        const text = oauthBody;
        let grant: unknown = new URLSearchParams(text).get("grant_type");
        if ((request.headers.get("content-type") ?? "").includes("json")) {
          try {
            grant = JSON.parse(text)?.grant_type;
          } catch {
            grant = undefined;
          }
        }
        if (typeof grant === "string") record.grantType = grant;
      }
      requests.push(record);
      // Only close() releases waits: listening to request.signal makes Deno.serve warn
      // about its legacy abort-after-response behaviour.
      const signals = [closing.signal];
      if (latencyMs > 0) await sleep(latencyMs, signals);

      const spec = pickFault(request, {
        path: url.pathname,
        search: url.search,
        persona: persona ?? "anonymous",
        origin,
      }, caller);
      let response: Response;
      if (spec) {
        record.fault = spec;
        let fault;
        try {
          fault = parseFault(spec);
        } catch (e) {
          response = json(400, { error: (e as Error).message });
          record.status = response.status;
          return response;
        }
        switch (fault.kind) {
          case "latency":
            await sleep(fault.ms, signals);
            response = await answer(request, url, origin, caller);
            break;
          case "hang":
            await sleep(2_147_483_647, signals);
            record.status = 0;
            return new Response(null, { status: 503 });
          case "reset":
            record.status = 0;
            return new Response(null, {
              status: 303,
              headers: { location: `${resetUrl}/__reset${url.pathname}` },
            });
          case "429":
            response = json(429, { error: RATE_LIMITED }, { "retry-after": "7" });
            break;
          case "500":
            response = json(500, { error: INTERNAL_ERROR });
            break;
          case "502":
            response = json(502, { error: "Bad Gateway" });
            break;
          case "503-loading": {
            const id = /models\/(.+?)(?:\/v1\/|\/pipeline\/|$)/.exec(url.pathname)?.[1] ??
              "sandbox/tiny-chat";
            response = new Response(
              `{"error":"Model ${id} is currently loading","estimated_time":20.0}`,
              { status: 503, headers: { "content-type": "application/json" } },
            );
            break;
          }
          case "html-error":
            response = htmlErrorPage();
            break;
          case "503":
            response = json(503, { error: "Service Unavailable" });
            break;
          case "slow_down":
          case "authorization_pending":
          case "expired_token":
          case "access_denied":
          case "invalid_grant":
            response = oauthError(fault.kind, `Sandbox fault: ${fault.kind}`);
            break;
          default: {
            // A recorded answer of the real Hub / router (see _recorded.ts).
            const recorded = RECORDED_FAULTS[fault.kind as RecordedFaultName];
            response = recorded.respond(await recordedContext(request, url, context.hubUrl));
            break;
          }
          case "truncated-json": {
            const full = await answer(request, url, origin, caller);
            const text = await full.text();
            const headers = new Headers(full.headers);
            headers.set("content-type", "application/json");
            response = new Response(text.slice(0, Math.max(1, Math.floor(text.length / 2))), {
              status: 200,
              headers,
            });
            break;
          }
        }
      } else {
        response = await answer(request, url, origin, caller);
      }
      record.status = response.status;
      return response;
    };
  }

  const onError = (error: unknown) => json(500, { error: `Sandbox error: ${String(error)}` });
  const hubServer = Deno.serve({
    hostname,
    port: options.port ?? 0,
    onListen: () => {},
    onError,
  }, handlerFor("hub"));
  const routerServer = Deno.serve({
    hostname,
    port: options.routerPort ?? 0,
    onListen: () => {},
    onError,
  }, handlerFor("router"));

  const githubServer = Deno.serve({
    hostname,
    port: 0,
    onListen: () => {},
    onError,
  }, handlerFor("github"));

  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  const url = `http://${host}:${hubServer.addr.port}`;
  const githubUrl = `http://${host}:${githubServer.addr.port}`;
  const inferenceUrl = `http://${host}:${routerServer.addr.port}`;
  context.hubUrl = url;
  if (!options.quiet) {
    console.log(`Sandbox hub on ${url}, router on ${inferenceUrl}`);
  }

  let closed: Promise<void> | undefined;
  const sandbox: Sandbox = {
    url,
    inferenceUrl,
    env: { HF_ENDPOINT: url, HF_INFERENCE_ENDPOINT: inferenceUrl },
    get requests() {
      return requests;
    },
    setFault(rule) {
      parseFault(rule.fault);
      rules.push({ ...rule });
    },
    clearFaults() {
      rules.length = 0;
    },
    setLatency(ms) {
      latencyMs = Math.max(0, ms);
    },
    clearRequests() {
      requests.length = 0;
    },
    now,
    advanceClock(ms) {
      clockOffset += ms;
    },
    setOAuth(changes) {
      Object.assign(oauth.options, changes);
    },
    approveDevice(userCode, persona) {
      return oauth.approve(userCode, persona);
    },
    denyDevice(userCode) {
      return oauth.deny(userCode);
    },
    pendingDeviceCodes() {
      return oauth.pendingUserCodes();
    },
    issueOAuthToken(persona, clientId) {
      return oauth.issue(persona, clientId);
    },
    revokeRefreshTokens() {
      oauth.revokeRefreshTokens();
    },
    oauthToken(token) {
      return oauth.tokenInfo(token);
    },
    github: {
      url: githubUrl,
      requestToken: githubRequestToken,
      env: {
        GITHUB_ACTIONS: "true",
        ACTIONS_ID_TOKEN_REQUEST_URL:
          `${githubUrl}/_apis/distributedtask/hubs/Actions/plans/sandbox/jobs/sandbox/idtoken?api-version=2.0`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: githubRequestToken,
      },
    },
    mintIdToken(claims = {}) {
      return oauth.mintIdToken(claims);
    },
    close() {
      closed ??= (async () => {
        closing.abort();
        resetListener.close();
        await Promise.all([
          hubServer.shutdown(),
          routerServer.shutdown(),
          githubServer.shutdown(),
          resetLoop,
        ]);
      })();
      return closed;
    },
    [Symbol.asyncDispose]() {
      return sandbox.close();
    },
  };
  return sandbox;
}
