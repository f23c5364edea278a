/**
 * The implementation of `whoami()`, kept out of the import path: `whoami.ts`
 * loads it on the first call, so importing the module stays cheap (see BENCHMARKS.md).
 *
 * @module
 */
import { type Json, obj } from "../_json.ts";
import { shorten } from "../_text.ts";
import { DEFAULT_WHOAMI_TIMEOUT_MS } from "./whoami.ts";
import type { WhoamiOptions } from "./whoami.ts";
import { envFlag } from "../_env.ts";
import { redact } from "../_mask.ts";
import type { Resolution } from "../resolve/resolution.ts";
import type { ResolveOptions } from "../resolve/resolve_token.ts";
import { sessionState } from "../resolve/session_cache.ts";
import { explicitResolution } from "../resolve/_explicit_resolution.ts";
import { diagnoseToken } from "./diagnose_token.ts";
import { guardedFetch, resolveEndpoints } from "./endpoints.ts";
import { parseRateLimit, type RateLimitInfo } from "./_rate_limit.ts";
import type {
  Failure,
  FailureCode,
  Identity,
  PermissionGroup,
  TokenFacts,
  ValidationData,
  Verdict,
} from "./types.ts";
import { Validation } from "./validation.ts";
import { loadHubClient } from "../_clients.ts";

/** What the Hub said about one token, independent of where the token came from. */
interface Outcome {
  verdict: Verdict;
  reason: string;
  identity?: Identity;
  token?: TokenFacts;
  status?: number;
  failure?: Failure;
  checkedAt: string;
}

interface CacheEntry {
  hubUrl: string;
  outcome: Outcome;
}

/** Outcomes that say something about the token itself are kept for the session. */
const DEFINITIVE: ReadonlySet<Verdict> = new Set(["valid", "invalid", "expired"]);

/** What the instrumented fetch saw. */
interface Trace {
  fetchError?: unknown;
  bodyError?: unknown;
  status?: number;
  statusText?: string;
  contentType?: string;
  retryAfter?: string | null;
  rateLimit?: RateLimitInfo;
  /** `X-Error-Message`: the Hub's own sentence for an error. */
  errorMessage?: string;
  text?: string;
}

function iso(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (typeof value === "string" && value) {
    const t = Date.parse(value);
    return Number.isNaN(t) ? value : new Date(t).toISOString();
  }
  if (typeof value === "number" && Number.isFinite(value)) {
    // Unix seconds (the Hub's periodEnd style) or milliseconds.
    return new Date(value < 1e12 ? value * 1000 : value).toISOString();
  }
  return undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function toIdentity(me: Json): Identity {
  const type = me.type === "org" || me.type === "app" ? me.type : "user";
  const orgs = Array.isArray(me.orgs) ? me.orgs : [];
  const identity: Identity = {
    kind: type,
    name: str(me.name) ?? "(unknown)",
    orgs: orgs.map(obj).filter((o): o is Json => !!o).map((o) => {
      const org: Identity["orgs"][number] = { name: str(o.name) ?? "(unknown)" };
      if (str(o.fullname)) org.fullname = str(o.fullname);
      const role = str(o.roleInOrg) ?? str(o.role);
      if (role) org.role = role;
      return org;
    }),
  };
  if (str(me.fullname) !== undefined) identity.fullname = str(me.fullname);
  if (typeof me.isPro === "boolean") identity.isPro = me.isPro;
  return identity;
}

function toTokenFacts(me: Json): TokenFacts {
  const auth = obj(me.auth) ?? {};
  const at = obj(auth.accessToken);
  const facts: TokenFacts = { permissions: [] };
  if (str(auth.type)) facts.authType = str(auth.type);
  if (at) {
    if (str(at.displayName) !== undefined) facts.displayName = str(at.displayName);
    const role = str(at.role);
    if (role === "read" || role === "write" || role === "fineGrained") facts.role = role;
    else if (role === "admin" || role === "contributor") facts.role = "write";
    const created = iso(at.createdAt);
    if (created) facts.createdAt = created;
    const fg = obj(at.fineGrained);
    if (fg) {
      const groups: PermissionGroup[] = [];
      const global = strings(fg.global);
      if (global.length) groups.push({ scope: "global", permissions: global });
      for (const entry of Array.isArray(fg.scoped) ? fg.scoped : []) {
        const e = obj(entry);
        const entity = obj(e?.entity);
        const permissions = strings(e?.permissions);
        if (!entity) continue;
        groups.push({
          scope: `${str(entity.type) ?? "entity"}:${str(entity.name) ?? str(entity._id) ?? "?"}`,
          permissions,
        });
      }
      facts.permissions = groups;
      if (typeof fg.canReadGatedRepos === "boolean") facts.canReadGatedRepos = fg.canReadGatedRepos;
    }
  }
  const expires = iso(at?.expiresAt) ?? iso(auth.expiresAt) ?? iso(at?.expiration);
  if (expires) facts.expiresAt = expires;
  const scope = obj(me.scope);
  if (me.type === "app" && scope) {
    facts.appScope = { entities: strings(scope.entities) };
    if (str(scope.role)) facts.appScope.role = str(scope.role);
  }
  return facts;
}

function describeIdentity(identity: Identity, token: TokenFacts): string {
  const who = identity.kind === "app"
    ? `the app ${identity.name}`
    : identity.kind === "org"
    ? `the organisation ${identity.name}`
    : identity.name;
  const role = token.role === "fineGrained"
    ? "fine-grained"
    : token.role ?? (token.authType?.startsWith("app_token") ? "app" : undefined);
  return `The Hub accepted the token: it belongs to ${who}` +
    (role ? ` (${role} token${token.displayName ? ` "${token.displayName}"` : ""})` : "") + ".";
}

function messageChain(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let i = 0; e && i < 5; i++) {
    if (e instanceof Error) {
      parts.push(`${e.name}: ${e.message}`);
      const code = (e as { code?: unknown }).code;
      if (typeof code === "string") parts.push(code);
      e = e.cause;
    } else {
      parts.push(String(e));
      break;
    }
  }
  return parts.join(" | ");
}

/** Ends `text` with exactly one period. */
function sentence(text: string): string {
  return text.replace(/[\s.!?…]+$/u, "") + ".";
}

function networkCode(chain: string): FailureCode {
  if (/refused|ECONNREFUSED/i.test(chain)) return "connection-refused";
  if (
    /dns|lookup|name or service not known|nodename nor servname|getaddrinfo|ENOTFOUND/i.test(chain)
  ) {
    return "dns-error";
  }
  if (/certificate|tls|ssl|handshake/i.test(chain)) return "tls-error";
  if (
    /reset|closed|broken pipe|incomplete|unexpected eof|end of file|ECONNRESET|connection error|aborted by peer/i
      .test(chain)
  ) return "connection-reset";
  return "network-error";
}

function retryAfterSeconds(header: string | null | undefined, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

function hubErrorText(trace: Trace): string | undefined {
  if (trace.errorMessage) return trace.errorMessage;
  const text = trace.text ?? "";
  if (!text) return undefined;
  try {
    const json = obj(JSON.parse(text));
    const message = str(json?.error) ?? str(json?.message);
    if (message) return message;
  } catch {
    // Not JSON: fall through.
  }
  return undefined;
}

function looksHtml(trace: Trace): boolean {
  return /html/i.test(trace.contentType ?? "") || /^\s*</.test(trace.text ?? "");
}

function expiredBefore(previous: Outcome | undefined, now: number): string | undefined {
  const expiresAt = previous?.token?.expiresAt;
  return expiresAt && Date.parse(expiresAt) <= now ? expiresAt : undefined;
}

interface AskContext {
  token: string;
  hubUrl: string;
  host: string;
  timeoutMs: number;
  options: WhoamiOptions;
  previous?: Outcome;
}

async function ask(ctx: AskContext): Promise<Outcome> {
  const { token, hubUrl, host, timeoutMs, options } = ctx;
  const secrets = [token];
  const checkedAt = () => new Date().toISOString();
  const fail = (
    verdict: Verdict,
    reason: string,
    failure: Failure,
    status?: number,
    extra?: Partial<Outcome>,
  ): Outcome => {
    const out: Outcome = {
      verdict,
      reason: redact(reason, secrets),
      failure: failure.detail ? { ...failure, detail: redact(failure.detail, secrets) } : failure,
      checkedAt: checkedAt(),
      ...extra,
    };
    if (status !== undefined) out.status = status;
    return out;
  };

  if (!token.startsWith("hf_")) {
    return fail(
      "invalid",
      'The token does not start with "hf_", so it was not sent to the Hub.',
      { code: "not-hf-prefix", host },
    );
  }

  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const inner = guardedFetch({ ...options, hubUrl, signal });
  const trace: Trace = {};
  const traced: typeof fetch = async (input, init) => {
    sessionState().stats.requests++;
    let res: Response;
    try {
      res = await inner(input, init);
    } catch (error) {
      trace.fetchError = error;
      throw error;
    }
    trace.status = res.status;
    trace.statusText = res.statusText;
    trace.contentType = res.headers.get("content-type") ?? undefined;
    trace.retryAfter = res.headers.get("retry-after");
    trace.errorMessage = res.headers.get("x-error-message") ?? undefined;
    trace.rateLimit = parseRateLimit(
      res.headers.get("ratelimit"),
      res.headers.get("ratelimit-policy"),
    );
    let text: string;
    try {
      text = await res.text();
    } catch (error) {
      trace.bodyError = error;
      throw error;
    }
    trace.text = text;
    const nullBody = [101, 204, 205, 304].includes(res.status);
    const copy = new Response(nullBody ? null : text, {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
    Object.defineProperty(copy, "url", { value: res.url });
    return copy;
  };

  const { whoAmI } = await loadHubClient();
  let me: Json;
  try {
    me = await whoAmI({ accessToken: token, hubUrl, fetch: traced }) as unknown as Json;
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason ?? error;
    const chain = redact(messageChain(error), secrets);
    if (timeout.aborted) {
      const seconds = timeoutMs / 1000;
      return fail(
        "network-error",
        `No answer from ${host} within ${seconds} s (timeout).`,
        { code: "timeout", host, detail: `no answer within ${seconds} s` },
        trace.status,
      );
    }
    if (trace.fetchError !== undefined || trace.status === undefined) {
      const code = networkCode(chain);
      const what: Record<string, string> = {
        "connection-refused": `Connection to ${host} refused (nothing listening).`,
        "dns-error": `Could not resolve the host name ${host} (DNS).`,
        "tls-error": `The TLS connection to ${host} failed.`,
        "connection-reset": `The connection to ${host} was reset before any answer.`,
        "network-error": `The request to ${host} failed (network error).`,
      };
      return fail("network-error", what[code], { code, host, detail: shorten(chain) });
    }
    if (trace.bodyError !== undefined) {
      return fail(
        "network-error",
        `The connection to ${host} broke while the answer (status ${trace.status}) was being read.`,
        { code: "connection-reset", host, detail: shorten(chain) },
        trace.status,
      );
    }
    const status = trace.status;
    const hubText = hubErrorText(trace);
    if (status === 401 || status === 403) {
      const now = Date.now();
      const knownExpiry = expiredBefore(ctx.previous, now);
      const saysExpired = /expired/i.test(hubText ?? "");
      const detail = hubText ? shorten(hubText, 120) : `HTTP ${status}`;
      if (knownExpiry || saysExpired) {
        const token = { ...(ctx.previous?.token ?? { permissions: [] }) };
        return fail(
          "expired",
          `The token expired${
            knownExpiry ? ` on ${knownExpiry.slice(0, 10)}` : ""
          }: the Hub answered ${status} (${detail.replace(/[.!?]+$/, "")}).`,
          { code: "token-expired", host, detail },
          status,
          { token },
        );
      }
      return fail(
        "invalid",
        `${sentence(`The Hub answered ${status}: ${detail}`)} The token was revoked, has ` +
          `expired, or was mistyped.`,
        { code: "token-invalid", host, detail },
        status,
      );
    }
    if (status === 429) {
      // Retry-After when sent, else the IETF RateLimit header's reset time.
      const wait = retryAfterSeconds(trace.retryAfter, Date.now()) ??
        trace.rateLimit?.resetSeconds;
      const header = trace.retryAfter ? "Retry-After" : `RateLimit "${trace.rateLimit?.resource}"`;
      return fail(
        "rate-limited",
        `The Hub answered 429 Too Many Requests` +
          (wait !== undefined ? ` (${header}: ${wait} s)` : "") + ".",
        {
          code: "rate-limited",
          host,
          ...(wait !== undefined ? { retryAfterSeconds: wait } : {}),
          ...(hubText ? { detail: shorten(hubText, 120) } : {}),
        },
        status,
      );
    }
    if (status >= 400 && looksHtml(trace)) {
      return fail(
        "server-error",
        `${host} answered ${status} with an HTML error page instead of JSON.`,
        { code: "html-error-page", host, detail: `HTTP ${status} text/html` },
        status,
      );
    }
    if (status >= 400) {
      const detail = `HTTP ${status}${trace.statusText ? ` ${trace.statusText}` : ""}` +
        (hubText ? `: ${shorten(hubText, 100)}` : "");
      return fail(
        "server-error",
        sentence(
          `The Hub at ${host} answered ${status} ` +
            `(${status >= 500 ? "server error" : "not an answer whoami-v2 gives"}): ${detail}`,
        ),
        { code: "server-error", host, detail },
        status,
      );
    }
    // Status 2xx/3xx, but the client could not use the body.
    if (looksHtml(trace)) {
      return fail(
        "server-error",
        `${host} answered ${status} with an HTML page instead of JSON.`,
        { code: "html-error-page", host, detail: `HTTP ${status} text/html` },
        status,
      );
    }
    if (error instanceof SyntaxError) {
      const len = trace.text?.length ?? 0;
      return fail(
        "server-error",
        `The Hub's answer from ${host} was truncated: invalid JSON after ${len} bytes.`,
        { code: "truncated-response", host, detail: shorten(chain, 120) },
        status,
      );
    }
    return fail(
      "server-error",
      `The answer from ${host} is not a whoami-v2 answer (malformed response).`,
      { code: "malformed-response", host, detail: shorten(chain, 120) },
      status,
    );
  }

  const identity = toIdentity(me);
  const facts = toTokenFacts(me);
  return {
    verdict: "valid",
    reason: describeIdentity(identity, facts),
    identity,
    token: facts,
    status: trace.status ?? 200,
    checkedAt: checkedAt(),
  };
}

function buildData(
  outcome: Outcome,
  resolution: Resolution,
  hubUrl: string,
): ValidationData {
  const base = {
    ...outcome,
    source: resolution.source,
    browserLogin: resolution.browserLogin,
    masked: resolution.masked,
    platform: resolution.platform,
    warnings: [...resolution.warnings],
    hubUrl,
  };
  const data: ValidationData = { ...base, diagnostics: diagnoseToken(base) };
  for (const key of Object.keys(data) as (keyof ValidationData)[]) {
    if (data[key] === undefined) delete data[key];
  }
  return data;
}

async function validate(
  resolution: Resolution,
  options: WhoamiOptions,
): Promise<Validation> {
  const { hubUrl } = resolveEndpoints(options);
  const host = new URL(hubUrl).host;
  const token = resolution.token;

  if (envFlag(options.env, "HF_HUB_OFFLINE")) {
    const outcome: Outcome = {
      verdict: "offline",
      reason: "HF_HUB_OFFLINE is set: the token was not checked with the Hub (no request made).",
      failure: { code: "offline", host },
      checkedAt: new Date().toISOString(),
    };
    return new Validation(buildData(outcome, resolution, hubUrl));
  }

  const state = sessionState();
  const cached = state.validations.get(token) as Promise<CacheEntry> | undefined;
  let previous: CacheEntry | undefined;
  if (cached) {
    try {
      previous = await cached;
    } catch {
      previous = undefined;
    }
    if (previous && previous.hubUrl === hubUrl && !options.refresh) {
      return new Validation(buildData(previous.outcome, resolution, hubUrl));
    }
  }

  const pending: Promise<CacheEntry> = ask({
    token,
    hubUrl,
    host,
    timeoutMs: options.timeoutMs ?? DEFAULT_WHOAMI_TIMEOUT_MS,
    options,
    previous: previous?.outcome,
  }).then((outcome) => ({ hubUrl, outcome }));
  state.validations.set(token, pending);
  let entry: CacheEntry;
  try {
    entry = await pending;
  } catch (error) {
    if (state.validations.get(token) === pending) state.validations.delete(token);
    throw error;
  }
  if (!DEFINITIVE.has(entry.outcome.verdict) && state.validations.get(token) === pending) {
    // Transient trouble (network, rate limit, 5xx) says nothing about the token: ask again next time.
    if (previous) state.validations.set(token, Promise.resolve(previous));
    else state.validations.delete(token);
  }
  return new Validation(buildData(entry.outcome, resolution, hubUrl));
}

/** The body of `whoami()` (loaded on first use by `whoami.ts`). */
export async function runWhoami(options: WhoamiOptions = {}): Promise<Validation> {
  let resolution = options.resolution;
  if (!resolution && options.token !== undefined) {
    resolution = explicitResolution(options.token, options.env);
  }
  if (!resolution) {
    const { resolveToken } = await import("../resolve/resolve_token.ts");
    const { token: _t, resolution: _r, refresh: _f, timeoutMs: _m, ...rest } = options;
    resolution = await resolveToken(rest as ResolveOptions);
  }
  return await validate(resolution, options);
}
