/**
 * The implementation of `whoami()`, kept out of the import path: `whoami.ts`
 * loads it on the first call, so importing the module stays cheap (see BENCHMARKS.md).
 *
 * @module
 */
import { type Json, obj } from "../_json.ts";
import { shorten } from "../_text.ts";
import { describeLimit, JSON_BODY_LIMIT, readBoundedText } from "../_body.ts";
import {
  errorName,
  isHtml,
  messageChain,
  parseJsonObject,
  recordingFetch,
} from "../_observation.ts";
import { diagnoseFailure } from "./diagnose_failure.ts";
import { whoamiReason } from "./_failure_wording.ts";
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
import { parseRateLimit } from "./_rate_limit.ts";
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

/** A date from the Hub as ISO 8601; `undefined` (shown as unknown) when impossible. */
function iso(value: unknown): string | undefined {
  let t: number;
  if (value instanceof Date) t = value.getTime();
  else if (typeof value === "string" && value) t = Date.parse(value);
  else if (typeof value === "number" && Number.isFinite(value)) {
    // Unix seconds (the Hub's periodEnd style) or milliseconds.
    t = value < 1e12 ? value * 1000 : value;
  } else return undefined;
  // Out of the Date range (±8.64e15 ms, e.g. a hostile `1e300`): unknown, never a RangeError.
  const date = new Date(t);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
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

/** The Hub's sentence in a JSON error body (`{"error": …}` or `{"message": …}`). */
function hubErrorText(text: string | undefined): string | undefined {
  const json = parseJsonObject(text);
  return str(json?.error) ?? str(json?.message);
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

/** whoami's verdict for each failure class (the classifier decides the class). */
function verdictOf(code: FailureCode): Verdict {
  switch (code) {
    case "invalid-token":
    case "not-hf-prefix":
    case "oauth-token-not-accepted":
      return "invalid";
    case "expired-token":
      return "expired";
    case "offline-mode":
      return "offline";
    case "rate-limited":
    case "action-quota":
    case "provider-rate-limited":
      return "rate-limited";
    case "offline":
    case "connection-failed":
    case "timeout":
      return "network-error";
    default:
      return "server-error";
  }
}

async function ask(ctx: AskContext): Promise<Outcome> {
  const { token, hubUrl, host, timeoutMs, options } = ctx;
  const secrets = [token];
  const checkedAt = () => new Date().toISOString();

  if (!token.startsWith("hf_")) {
    return {
      verdict: "invalid",
      reason: 'The token does not start with "hf_", so it was not sent to the Hub.',
      failure: { code: "not-hf-prefix", host },
      checkedAt: checkedAt(),
    };
  }

  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const inner = guardedFetch({ ...options, hubUrl, signal });
  const counted: typeof fetch = (input, init) => {
    sessionState().stats.requests++;
    return inner(input, init);
  };
  // The one recording fetch: an error answer's body is read bounded there; a 2xx body is
  // read here, bounded too, and handed to the client as text.
  const rec = recordingFetch(counted);
  let okBytes = 0;
  const traced: typeof fetch = async (input, init) => {
    const res = await rec.fetch(input, init);
    if (!res.ok) return res;
    const body = await readBoundedText(res, JSON_BODY_LIMIT);
    okBytes = body.bytes;
    const observed = rec.last();
    if (body.truncated && observed) {
      observed.bodyTruncated = true;
      observed.bodyLimit = JSON_BODY_LIMIT;
      throw new SyntaxError(`answer larger than ${describeLimit(JSON_BODY_LIMIT)}`);
    }
    const nullBody = [101, 204, 205, 304].includes(res.status);
    const copy = new Response(nullBody ? null : body.text, {
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
    if (!obj(me)) throw new TypeError("whoami-v2 answered something that is not an object");
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason ?? error;
    const observed = rec.last();
    const networkError = rec.lastError() ??
      (observed === undefined ||
          (observed.status < 300 && errorName(error) === "TypeError" && okBytes === 0)
        ? error
        : undefined);
    const now = Date.now();
    const knownExpiry = expiredBefore(ctx.previous, now);
    const d = diagnoseFailure({
      area: "whoami",
      error,
      response: observed,
      timedOut: timeout.aborted,
      timeoutMs,
      networkError,
      hubUrl,
      secrets,
      now,
      ...(knownExpiry ? { validation: { verdict: "expired" } } : {}),
    });
    const status = observed?.status;
    const hubText = observed?.errorMessage ?? hubErrorText(observed?.body);
    const chain = redact(messageChain(error), secrets);
    const detail = networkError !== undefined || (status !== undefined && status < 300)
      ? shorten(chain, 120, secrets)
      : status !== undefined && status >= 400 && status !== 401 && status !== 403
      ? `HTTP ${status}${observed?.statusText ? ` ${observed.statusText}` : ""}${
        hubText ? `: ${shorten(hubText, 100, secrets)}` : ""
      }`
      : hubText
      ? shorten(hubText, 120, secrets)
      : undefined;
    const waitHeader = observed?.retryAfter
      ? "Retry-After"
      : `RateLimit "${parseRateLimit(observed?.rateLimit)?.resource}"`;
    const reason = whoamiReason(d, {
      host,
      status,
      detail: d.code === "invalid-token" || d.code === "expired-token"
        ? (hubText ? shorten(hubText, 120, secrets) : undefined)
        : detail,
      knownExpiry,
      timeoutMs,
      html: isHtml(observed?.contentType, observed?.body),
      bodyBytes: okBytes,
      waitHeader,
    });
    const failure: Failure = {
      code: d.code,
      host,
      ...(d.network ? { network: d.network } : {}),
      ...(d.waitSeconds !== undefined ? { retryAfterSeconds: d.waitSeconds } : {}),
      ...(d.code === "timeout"
        ? { detail: `no answer within ${timeoutMs / 1000} s` }
        : detail
        ? { detail: redact(detail, secrets) }
        : {}),
    };
    const out: Outcome = {
      verdict: verdictOf(d.code),
      reason: redact(reason, secrets),
      failure,
      checkedAt: checkedAt(),
    };
    if (status !== undefined && networkError === undefined) out.status = status;
    else if (status !== undefined && status >= 300) out.status = status;
    if (d.code === "expired-token") out.token = { ...(ctx.previous?.token ?? { permissions: [] }) };
    return out;
  }

  // Every string the Hub sent (names, the token's display name, scopes) is masked with the
  // token: a hostile or broken server may echo it anywhere.
  const masked = <T>(value: T): T => JSON.parse(redact(JSON.stringify(value), secrets));
  const identity = masked(toIdentity(me));
  const facts = masked(toTokenFacts(me));
  return {
    verdict: "valid",
    reason: describeIdentity(identity, facts),
    identity,
    token: facts,
    status: rec.last()?.status ?? 200,
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
      failure: { code: "offline-mode", host },
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
