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
import { RECORDED_FAULTS, recordedContext, type RecordedFaultName } from "./_recorded.ts";

export * from "./personas.ts";
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
  /** Which listener: `hub` or `router`. */
  origin: "hub" | "router";
  /** Path and query. */
  path: string;
  /** Whether an `Authorization` header was present. */
  authorization: boolean;
  /** The persona the token belongs to, `"unknown"` for other tokens, `null` without one. */
  persona: string | null;
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

function callerOf(request: Request): Caller {
  const header = request.headers.get("authorization");
  if (!header) return { auth: "none" };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
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
  if (m.origin === "hub" || m.origin === "router") match.origin = m.origin;
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
  const context: RouteContext = { hubUrl: "", loadingCounts: new Map() };

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
    if (what === "" || what === "/") {
      return json(200, { hubUrl: sandbox.url, inferenceUrl: sandbox.inferenceUrl, latencyMs });
    }
    return json(404, { error: `Unknown sandbox control endpoint ${url.pathname}` });
  }

  async function answer(
    request: Request,
    url: URL,
    origin: "hub" | "router",
    caller: Caller,
  ): Promise<Response> {
    return origin === "hub"
      ? handleHub(request, url, caller, context)
      : await handleRouter(request, url, caller, context);
  }

  function handlerFor(origin: "hub" | "router") {
    return async (request: Request): Promise<Response> => {
      const url = new URL(request.url);
      if (url.pathname === "/__sandbox" || url.pathname.startsWith("/__sandbox/")) {
        return control(request, url);
      }
      const caller = callerOf(request);
      const persona = caller.persona?.name ?? (caller.auth === "unknown" ? "unknown" : null);
      const record: SandboxRequest = {
        at: new Date().toISOString(),
        method: request.method,
        origin,
        path: url.pathname + url.search,
        authorization: caller.auth !== "none",
        persona,
      };
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

  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  const url = `http://${host}:${hubServer.addr.port}`;
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
    close() {
      closed ??= (async () => {
        closing.abort();
        resetListener.close();
        await Promise.all([hubServer.shutdown(), routerServer.shutdown(), resetLoop]);
      })();
      return closed;
    },
    [Symbol.asyncDispose]() {
      return sandbox.close();
    },
  };
  return sandbox;
}
