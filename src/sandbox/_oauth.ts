/**
 * The sandbox's OAuth endpoints (internal): the device-code flow (RFC 8628),
 * refresh with rotation (RFC 6749 §6) and the Trusted Publishers token
 * exchange (RFC 8693), as huggingface_hub ≥ 1.20 calls them on huggingface.co.
 *
 * Sources for every shape below (huggingface/huggingface_hub @ ee0a451):
 * - `src/huggingface_hub/utils/_oauth_device.py`: `POST {hub}/oauth/device` with form
 *   `client_id`; the answer's fields `device_code`, `user_code`, `verification_uri`,
 *   `verification_uri_complete`, `interval`, `expires_in`; polling `POST {hub}/oauth/token`
 *   with form `grant_type=urn:ietf:params:oauth:grant-type:device_code`, `device_code`,
 *   `client_id`; errors in the body's `error` (`authorization_pending`, `slow_down`,
 *   `expired_token`, `access_denied`), with `error_description`; refresh with form
 *   `grant_type=refresh_token`, `refresh_token`, `client_id` → `access_token` and optionally a
 *   rotated `refresh_token` and `expires_in`, or `invalid_grant`.
 * - `tests/test_auth.py`: `"user_code": "ABCD-EFGH"`, `"verification_uri":
 *   "https://huggingface.co/oauth/device"`, `"expires_in": 900`, token answers
 *   `{"access_token": "hf_oauth_123", "refresh_token": "rt_123", "expires_in": 2592000}`
 *   (30 days), and whoami for OAuth tokens without `auth.accessToken.displayName`
 *   (`test_token_name_fallback_for_oauth_tokens`).
 * - `src/huggingface_hub/_oidc.py`: token exchange as a JSON body
 *   `{grant_type: "urn:ietf:params:oauth:grant-type:token-exchange", subject_token_type:
 *   "urn:ietf:params:oauth:token-type:id_token", subject_token, resource}`; the answer
 *   `{"access_token": "hf_jwt_…", "token_type": "bearer", "expires_in": 3600, ...}`; the id
 *   token's `aud` must be the Hub URL; the GitHub id token comes from
 *   `GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=…` with `Authorization: Bearer
 *   $ACTIONS_ID_TOKEN_REQUEST_TOKEN`, answering `{"value": "<jwt>"}`.
 * - RFC 8628 §3.5 (`slow_down` adds 5 s), RFC 6749 §5.2 (error body, status 400), RFC 8693 §2.2.
 *
 * Sandbox tokens never match the real token pattern `hf_[A-Za-z0-9]{34}`: they contain
 * underscores after `hf_` (`hf_oauth_sandbox_…`, `hf_jwt_sandbox_…`), refresh tokens are
 * `hf_oauthrefresh_sandbox_…`.
 *
 * @module
 */

import { json } from "./_http.ts";
import { type Persona, PERSONAS } from "./personas.ts";

/**
 * The device-code grant (RFC 8628 §3.4), as huggingface_hub sends it.
 *
 * @example Usage
 * ```ts
 * import { DEVICE_CODE_GRANT } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DEVICE_CODE_GRANT, "urn:ietf:params:oauth:grant-type:device_code");
 * ```
 */
export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
/**
 * The token-exchange grant (RFC 8693 §2.1), as huggingface_hub's `_oidc.py` sends it.
 *
 * @example Usage
 * ```ts
 * import { TOKEN_EXCHANGE_GRANT } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * assert.match(TOKEN_EXCHANGE_GRANT, /token-exchange$/);
 * ```
 */
export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
/**
 * The subject token type huggingface_hub sends (`_ID_TOKEN_TYPE`).
 *
 * @example Usage
 * ```ts
 * import { ID_TOKEN_TYPE } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ID_TOKEN_TYPE, "urn:ietf:params:oauth:token-type:id_token");
 * ```
 */
export const ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
/**
 * The issuer of GitHub Actions id tokens (the sandbox's fake one uses the same `iss`).
 *
 * @example Usage
 * ```ts
 * import { GITHUB_ISSUER, startSandbox } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * await using hub = startSandbox({ quiet: true });
 * const jwt = await hub.mintIdToken();
 * const claims = JSON.parse(atob(jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
 * assert.equal(claims.iss, GITHUB_ISSUER);
 * ```
 */
export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

/**
 * The names of the sandbox's OAuth personas: who signs in on the verification
 * page. `alice` is the default.
 *
 * @example Usage
 * ```ts
 * import { OAUTH_PERSONAS, type OAuthPersonaName } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * const name: OAuthPersonaName = "alice";
 * assert.equal(OAUTH_PERSONAS[name].username, "sandbox-alice");
 * ```
 */
export type OAuthPersonaName = "alice" | "pat" | "aliceNoInference" | "aliceNoRotation";

/**
 * An OAuth persona: the account a browser login signs in as, and what its tokens may do.
 *
 * @example Usage
 * ```ts
 * import { type OAuthPersona, OAUTH_PERSONAS } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * const persona: OAuthPersona = OAUTH_PERSONAS.aliceNoInference;
 * assert.equal(persona.scope.includes("inference-api"), false);
 * ```
 */
export interface OAuthPersona {
  /** Key in {@link OAUTH_PERSONAS}. */
  readonly name: OAuthPersonaName;
  /** The Hub user signing in. */
  readonly username: string;
  /** Granted scopes (space separated, as the token endpoint's `scope`). */
  readonly scope: string;
  /** Whether refreshing rotates the refresh token (the answer carries a new `refresh_token`). */
  readonly rotates: boolean;
  /** One line: what this persona demonstrates. */
  readonly demonstrates: string;
}

/**
 * The OAuth personas offered on the verification page (the first is the default).
 *
 * | persona | user | demonstrates |
 * |---|---|---|
 * | `alice` | sandbox-alice | read + Inference Providers, refresh tokens rotate |
 * | `pat` | sandbox-pat | a PRO user |
 * | `aliceNoInference` | sandbox-alice | no `inference-api` scope: the router answers 403 |
 * | `aliceNoRotation` | sandbox-alice | refresh answers carry no new `refresh_token` |
 *
 * @example Usage
 * ```ts
 * import { OAUTH_PERSONAS } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * assert.equal(OAUTH_PERSONAS.aliceNoRotation.rotates, false);
 * ```
 */
export const OAUTH_PERSONAS: Readonly<Record<OAuthPersonaName, OAuthPersona>> = Object.freeze(
  {
    alice: {
      name: "alice",
      username: "sandbox-alice",
      scope: "openid profile read-repos inference-api",
      rotates: true,
      demonstrates: "browser login as sandbox-alice: read repos, call Inference Providers",
    },
    pat: {
      name: "pat",
      username: "sandbox-pat",
      scope: "openid profile read-repos inference-api",
      rotates: true,
      demonstrates: "browser login as the PRO user sandbox-pat",
    },
    aliceNoInference: {
      name: "aliceNoInference",
      username: "sandbox-alice",
      scope: "openid profile read-repos",
      rotates: true,
      demonstrates: "browser login without the inference-api scope: router answers 403",
    },
    aliceNoRotation: {
      name: "aliceNoRotation",
      username: "sandbox-alice",
      scope: "openid profile read-repos inference-api",
      rotates: false,
      demonstrates: "refresh answers without a new refresh_token (the old one stays valid)",
    },
  } satisfies Record<OAuthPersonaName, OAuthPersona>,
);

/**
 * Tunables of the sandbox's OAuth server.
 *
 * @example Usage
 * ```ts
 * import { type SandboxOAuthOptions, startSandbox } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * const oauth: SandboxOAuthOptions = { interval: 1, expiresIn: 60 };
 * await using hub = startSandbox({ quiet: true, oauth });
 * const res = await fetch(`${hub.url}/oauth/device`, { method: "POST", body: new URLSearchParams({ client_id: "x" }) });
 * assert.equal((await res.json()).interval, 1);
 * ```
 */
export interface SandboxOAuthOptions {
  /** Polling interval the device endpoint announces, seconds. Default `5` (RFC 8628 default). */
  interval?: number;
  /** Device code lifetime, seconds. Default `900` (huggingface_hub's test value). */
  expiresIn?: number;
  /** Access token lifetime, seconds. Default `2592000` (30 days, huggingface_hub's test value). */
  accessTokenLifetime?: number;
  /** Lifetime of Trusted Publishers (OIDC) tokens, seconds. Default `3600`. */
  oidcTokenLifetime?: number;
  /** Answer `slow_down` when a device code is polled faster than its interval. Default `true`. */
  enforceInterval?: boolean;
}

/** An access token the sandbox issued. */
export interface IssuedToken {
  /** The access token. */
  readonly token: string;
  /** Who it belongs to. */
  readonly persona: OAuthPersona;
  /** Expiry, ms since the epoch on the sandbox clock. */
  readonly expiresAt: number;
  /** `device` (browser login or refresh) or `oidc` (token exchange). */
  readonly kind: "device" | "oidc";
  /** For `oidc` tokens: the resource the token is scoped to. */
  readonly resource?: string;
}

interface DeviceGrant {
  deviceCode: string;
  userCode: string;
  clientId: string;
  expiresAt: number;
  interval: number;
  lastPollAt?: number;
  state: "pending" | "approved" | "denied" | "used";
  persona?: OAuthPersona;
}

interface RefreshGrant {
  persona: OAuthPersona;
  clientId: string;
  valid: boolean;
}

/**
 * The Trusted Publishers the sandbox knows: which GitHub repository's workflow
 * may get a token for which resource (as configured on a repo's settings page
 * on huggingface.co).
 *
 * @example Usage
 * ```ts
 * import { TRUSTED_PUBLISHERS } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * assert.ok(TRUSTED_PUBLISHERS.some((t) => t.resource === "sandbox-alice/ci-model"));
 * ```
 */
export const TRUSTED_PUBLISHERS: readonly {
  resource: string;
  repository: string;
  persona: OAuthPersonaName;
}[] = [
  { resource: "sandbox-alice/ci-model", repository: "sandbox-alice/ci", persona: "alice" },
  { resource: "sandbox-alice", repository: "sandbox-alice/ci", persona: "alice" },
];

const USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"; // RFC 8628 §6.1: no vowels, no look-alikes

function randomString(alphabet: string, length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
}

const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

function b64url(data: Uint8Array | string): string {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function b64urlDecode(text: string): string {
  const pad = text.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(pad + "=".repeat((4 - pad.length % 4) % 4));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

/** RFC 6749 §5.2 error answer. */
export function oauthError(error: string, description: string, status = 400): Response {
  return json(status, { error, error_description: description });
}

/** Parses a token-endpoint body: form-encoded (RFC 6749) or JSON (huggingface_hub's OIDC exchange). */
async function readParams(request: Request): Promise<Map<string, string> | undefined> {
  const type = request.headers.get("content-type") ?? "";
  const text = await request.text();
  const out = new Map<string, string>();
  if (type.includes("application/json")) {
    try {
      const body = JSON.parse(text);
      if (!body || typeof body !== "object" || Array.isArray(body)) return undefined;
      for (const [k, v] of Object.entries(body)) if (typeof v === "string") out.set(k, v);
      return out;
    } catch {
      return undefined;
    }
  }
  for (const [k, v] of new URLSearchParams(text)) out.set(k, v);
  return out;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

function page(title: string, body: string, status = 200): Response {
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${
    escapeHtml(title)
  } - Sandbox Hugging Face</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
</head><body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; line-height: 1.5">
<p style="color: #6b7280">Sandbox Hugging Face (a local test double of huggingface.co)</p>
<h1 style="font-size: 1.4rem">${escapeHtml(title)}</h1>
${body}
</body></html>
`;
  return new Response(html, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy":
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
      "x-frame-options": "DENY",
    },
  });
}

/** Normalises what a person types: case, spaces and a missing dash. */
function normalizeUserCode(text: string): string {
  const letters = text.toUpperCase().replace(/[^A-Z]/g, "");
  return letters.length === 8 ? `${letters.slice(0, 4)}-${letters.slice(4)}` : text.trim();
}

/**
 * Where every secret the sandbox issues is written, one a line, when the variable
 * `HFNA_LEAK_SECRETS_DIR` names a directory (the test suite's leak scan learns them there:
 * access and refresh tokens, device codes, id tokens). Never read without the permission.
 */
export function reportIssuedSecrets(...secrets: string[]): void {
  try {
    const variable = "HFNA_LEAK_SECRETS_DIR";
    if (Deno.permissions.querySync({ name: "env", variable }).state !== "granted") return;
    const dir = Deno.env.get(variable);
    if (!dir) return;
    Deno.mkdirSync(dir, { recursive: true });
    Deno.writeTextFileSync(
      `${dir.replace(/\/+$/, "")}/sandbox.${Deno.pid}.txt`,
      secrets.join("\n") + "\n",
      {
        append: true,
      },
    );
  } catch {
    // best effort: the sandbox never fails for the sake of a test's bookkeeping
  }
}

/** The sandbox's OAuth authorization server state. */
export class OAuthServer {
  #devices = new Map<string, DeviceGrant>();
  #byUserCode = new Map<string, DeviceGrant>();
  #refresh = new Map<string, RefreshGrant>();
  #tokens = new Map<string, IssuedToken>();
  #counter = 0;
  #key: Promise<CryptoKey>;
  /** Current tunables. */
  options: Required<SandboxOAuthOptions>;

  /**
   * @param now The sandbox clock (ms since the epoch).
   * @param hubUrl Returns the hub's base URL.
   * @param options Tunables.
   */
  constructor(
    readonly now: () => number,
    readonly hubUrl: () => string,
    options: SandboxOAuthOptions = {},
  ) {
    this.options = {
      interval: 5,
      expiresIn: 900,
      accessTokenLifetime: 2_592_000,
      oidcTokenLifetime: 3600,
      enforceInterval: true,
      ...options,
    };
    this.#key = crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]) as Promise<CryptoKey>;
  }

  /** The issued, unexpired access token record, if any. */
  tokenInfo(token: string): IssuedToken | undefined {
    const info = this.#tokens.get(token);
    return info && info.expiresAt > this.now() ? info : undefined;
  }

  /** Whether the token was issued here (expired or not). */
  knows(token: string): boolean {
    return this.#tokens.has(token);
  }

  #issueAccess(persona: OAuthPersona, kind: "device" | "oidc", resource?: string): IssuedToken {
    const n = String(++this.#counter).padStart(4, "0");
    const token = kind === "device"
      ? `hf_oauth_sandbox_${persona.name}_${n}_${randomString(ALNUM, 8)}`
      : `hf_jwt_sandbox_${persona.name}_${n}_${randomString(ALNUM, 8)}`;
    const lifetime = kind === "device"
      ? this.options.accessTokenLifetime
      : this.options.oidcTokenLifetime;
    const info: IssuedToken = {
      token,
      persona,
      expiresAt: this.now() + lifetime * 1000,
      kind,
      ...(resource ? { resource } : {}),
    };
    this.#tokens.set(token, info);
    reportIssuedSecrets(token);
    return info;
  }

  #newRefresh(persona: OAuthPersona, clientId: string): string {
    const rt = `hf_oauthrefresh_sandbox_${persona.name}_${randomString(ALNUM, 16)}`;
    this.#refresh.set(rt, { persona, clientId, valid: true });
    reportIssuedSecrets(rt);
    return rt;
  }

  /**
   * Issues a browser-login token pair directly (as if a device login had just
   * completed): for tests that seed `stored_tokens`.
   */
  issue(
    personaName: OAuthPersonaName = "alice",
    clientId = "",
  ): { access_token: string; refresh_token: string; expires_in: number; expiresAt: number } {
    const persona = OAUTH_PERSONAS[personaName];
    if (!persona) {
      throw new TypeError(`Unknown sandbox OAuth persona ${JSON.stringify(personaName)}.`);
    }
    const info = this.#issueAccess(persona, "device");
    return {
      access_token: info.token,
      refresh_token: this.#newRefresh(persona, clientId),
      expires_in: this.options.accessTokenLifetime,
      expiresAt: info.expiresAt,
    };
  }

  /** Makes every refresh token invalid (as revoking the app's access on the settings page does). */
  revokeRefreshTokens(): void {
    for (const grant of this.#refresh.values()) grant.valid = false;
  }

  /** Approves a pending device login. Returns `false` for an unknown or already decided code. */
  approve(userCode: string, personaName: OAuthPersonaName = "alice"): boolean {
    const persona = OAUTH_PERSONAS[personaName];
    if (!persona) {
      throw new TypeError(`Unknown sandbox OAuth persona ${JSON.stringify(personaName)}.`);
    }
    const grant = this.#byUserCode.get(normalizeUserCode(userCode));
    if (!grant || grant.state !== "pending" || grant.expiresAt <= this.now()) return false;
    grant.state = "approved";
    grant.persona = persona;
    return true;
  }

  /** Denies a pending device login. Returns `false` for an unknown or already decided code. */
  deny(userCode: string): boolean {
    const grant = this.#byUserCode.get(normalizeUserCode(userCode));
    if (!grant || grant.state !== "pending" || grant.expiresAt <= this.now()) return false;
    grant.state = "denied";
    return true;
  }

  /** User codes still waiting for a decision (oldest first). */
  pendingUserCodes(): string[] {
    return [...this.#byUserCode.values()].filter((g) =>
      g.state === "pending" && g.expiresAt > this.now()
    ).map((g) => g.userCode);
  }

  /** Signs a sandbox OIDC id token (a JWT, HS256 with a key only this sandbox knows). */
  async mintIdToken(claims: Record<string, unknown>): Promise<string> {
    const nowS = Math.floor(this.now() / 1000);
    const payload = {
      iss: GITHUB_ISSUER,
      sub: "repo:sandbox-alice/ci:ref:refs/heads/main",
      repository: "sandbox-alice/ci",
      aud: this.hubUrl(),
      iat: nowS,
      nbf: nowS,
      exp: nowS + 300,
      ...claims,
    };
    const head = `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT", kid: "sandbox" }))}.${
      b64url(JSON.stringify(payload))
    }`;
    const sig = await crypto.subtle.sign("HMAC", await this.#key, new TextEncoder().encode(head));
    const jwt = `${head}.${b64url(new Uint8Array(sig))}`;
    reportIssuedSecrets(jwt);
    return jwt;
  }

  async #verifyIdToken(jwt: string): Promise<Record<string, unknown> | string> {
    const parts = jwt.split(".");
    if (parts.length !== 3) {
      return "subject_token is not a JWT (expected three dot-separated parts)";
    }
    let ok = false;
    try {
      const sig = Uint8Array.from(
        atob(
          parts[2].replace(/-/g, "+").replace(/_/g, "/") +
            "=".repeat((4 - parts[2].length % 4) % 4),
        ),
        (c) => c.charCodeAt(0),
      );
      ok = await crypto.subtle.verify(
        "HMAC",
        await this.#key,
        sig,
        new TextEncoder().encode(`${parts[0]}.${parts[1]}`),
      );
    } catch {
      ok = false;
    }
    if (!ok) return "subject_token signature could not be verified";
    let claims: Record<string, unknown>;
    try {
      claims = JSON.parse(b64urlDecode(parts[1]));
    } catch {
      return "subject_token payload is not JSON";
    }
    if (claims.iss !== GITHUB_ISSUER) return `untrusted issuer ${String(claims.iss)}`;
    if (claims.aud !== this.hubUrl()) {
      return `subject_token audience ${JSON.stringify(claims.aud)} does not match ${this.hubUrl()}`;
    }
    if (typeof claims.exp !== "number" || claims.exp * 1000 <= this.now()) {
      return "subject_token has expired";
    }
    return claims;
  }

  /** `POST /oauth/device` (device authorization, RFC 8628 §3.1–3.2). */
  async deviceAuthorization(request: Request): Promise<Response> {
    const params = await readParams(request);
    const clientId = params?.get("client_id");
    if (!clientId) return oauthError("invalid_request", "Missing client_id");
    const deviceCode = randomString(ALNUM, 40);
    const userCode = `${randomString(USER_CODE_ALPHABET, 4)}-${
      randomString(USER_CODE_ALPHABET, 4)
    }`;
    const grant: DeviceGrant = {
      deviceCode,
      userCode,
      clientId,
      expiresAt: this.now() + this.options.expiresIn * 1000,
      interval: this.options.interval,
      state: "pending",
    };
    this.#devices.set(deviceCode, grant);
    reportIssuedSecrets(deviceCode);
    this.#byUserCode.set(userCode, grant);
    const verification = `${this.hubUrl()}/oauth/device`;
    return json(200, {
      device_code: deviceCode,
      user_code: userCode,
      verification_uri: verification,
      verification_uri_complete: `${verification}?user_code=${userCode}`,
      expires_in: this.options.expiresIn,
      interval: this.options.interval,
    });
  }

  /** `POST /oauth/token` (all three grants). */
  async token(request: Request): Promise<Response> {
    const params = await readParams(request);
    if (!params) return oauthError("invalid_request", "The request body is not valid JSON");
    const grantType = params.get("grant_type");
    if (grantType === DEVICE_CODE_GRANT) return this.#deviceToken(params);
    if (grantType === "refresh_token") return this.#refreshToken(params);
    if (grantType === TOKEN_EXCHANGE_GRANT) return await this.#exchange(params);
    if (!grantType) return oauthError("invalid_request", "Missing grant_type");
    return oauthError("unsupported_grant_type", `Unsupported grant_type ${grantType}`);
  }

  #tokenAnswer(info: IssuedToken, refreshToken?: string): Response {
    return json(200, {
      access_token: info.token,
      token_type: "bearer",
      expires_in: Math.round((info.expiresAt - this.now()) / 1000),
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      scope: info.persona.scope,
    });
  }

  #deviceToken(params: Map<string, string>): Response {
    const grant = this.#devices.get(params.get("device_code") ?? "");
    if (!grant) return oauthError("invalid_grant", "Invalid device code");
    if (params.get("client_id") !== grant.clientId) {
      return oauthError("invalid_client", "client_id does not match the device code", 401);
    }
    const now = this.now();
    if (grant.expiresAt <= now) return oauthError("expired_token", "The device code has expired");
    if (grant.state === "denied") return oauthError("access_denied", "The user denied the request");
    if (grant.state === "used") return oauthError("invalid_grant", "Device code already used");
    const tooSoon = this.options.enforceInterval && grant.lastPollAt !== undefined &&
      now - grant.lastPollAt < grant.interval * 1000 - 250;
    grant.lastPollAt = now;
    if (tooSoon) {
      grant.interval += 5; // RFC 8628 §3.5
      return oauthError("slow_down", "Polling too fast: wait interval + 5 s");
    }
    if (grant.state === "pending") {
      return oauthError("authorization_pending", "The user has not yet authorized the device");
    }
    grant.state = "used";
    const persona = grant.persona ?? OAUTH_PERSONAS.alice;
    const info = this.#issueAccess(persona, "device");
    return this.#tokenAnswer(info, this.#newRefresh(persona, grant.clientId));
  }

  #refreshToken(params: Map<string, string>): Response {
    const rt = params.get("refresh_token") ?? "";
    const grant = this.#refresh.get(rt);
    if (!rt) return oauthError("invalid_request", "Missing refresh_token");
    if (!grant || !grant.valid) {
      return oauthError("invalid_grant", "Invalid or expired refresh token");
    }
    if (grant.clientId && params.get("client_id") !== grant.clientId) {
      return oauthError("invalid_grant", "Refresh token was issued to another client");
    }
    const info = this.#issueAccess(grant.persona, "device");
    if (!grant.persona.rotates) return this.#tokenAnswer(info);
    grant.valid = false; // rotation: the old refresh token is spent
    return this.#tokenAnswer(info, this.#newRefresh(grant.persona, grant.clientId));
  }

  async #exchange(params: Map<string, string>): Promise<Response> {
    const subject = params.get("subject_token");
    const type = params.get("subject_token_type");
    const resource = params.get("resource");
    if (!subject || !type || !resource) {
      return oauthError(
        "invalid_request",
        "Token exchange needs subject_token, subject_token_type and resource",
      );
    }
    if (type !== ID_TOKEN_TYPE) {
      return oauthError("invalid_request", `Unsupported subject_token_type ${type}`);
    }
    const claims = await this.#verifyIdToken(subject);
    if (typeof claims === "string") return oauthError("invalid_grant", claims);
    const trusted = TRUSTED_PUBLISHERS.find((t) =>
      t.resource === resource && t.repository === claims.repository
    );
    if (!trusted) {
      return oauthError(
        "invalid_target",
        `No Trusted Publisher on ${resource} matches repository ${String(claims.repository)}`,
        403,
      );
    }
    const info = this.#issueAccess(OAUTH_PERSONAS[trusted.persona], "oidc", resource);
    return json(200, {
      access_token: info.token,
      issued_token_type: "urn:ietf:params:oauth:token-type:access_token",
      token_type: "bearer",
      expires_in: Math.round((info.expiresAt - this.now()) / 1000),
    });
  }

  /** `GET`/`POST /oauth/device` when a person uses the verification page. */
  async verificationPage(request: Request, url: URL): Promise<Response> {
    if (request.method === "POST") {
      const params = await readParams(request);
      const code = normalizeUserCode(params?.get("user_code") ?? "");
      const action = params?.get("action");
      const persona = (params?.get("persona") ?? "alice") as OAuthPersonaName;
      if (!OAUTH_PERSONAS[persona]) {
        return page("Unknown account", "<p>Pick an account from the list.</p>", 400);
      }
      const ok = action === "authorize" ? this.approve(code, persona) : this.deny(code);
      if (!ok) {
        return page(
          "Code not valid",
          `<p>The code <code>${escapeHtml(code)}</code> is unknown, expired or already used.</p>` +
            `<p><a href="/oauth/device">Enter another code</a></p>`,
          400,
        );
      }
      return action === "authorize"
        ? page(
          "Device authorized",
          `<p id="result" data-result="authorized">Signed in as <b>${
            escapeHtml(OAUTH_PERSONAS[persona].username)
          }</b>. You can close this page and go back to your notebook or terminal.</p>`,
        )
        : page(
          "Access denied",
          `<p id="result" data-result="denied">The login request was denied. Nothing was shared.</p>`,
        );
    }
    const code = url.searchParams.get("user_code");
    if (!code) {
      return page(
        "Connect a device",
        `<form method="get" action="/oauth/device">
<p><label for="user_code">Enter the code shown on your device</label></p>
<p><input id="user_code" name="user_code" autocomplete="off" placeholder="ABCD-EFGH" required></p>
<p><button type="submit">Continue</button></p>
</form>`,
      );
    }
    const normalized = normalizeUserCode(code);
    const grant = this.#byUserCode.get(normalized);
    if (!grant || grant.state !== "pending" || grant.expiresAt <= this.now()) {
      return page(
        "Code not valid",
        `<p>The code <code>${
          escapeHtml(normalized)
        }</code> is unknown, expired or already used.</p>` +
          `<p><a href="/oauth/device">Enter another code</a></p>`,
        404,
      );
    }
    const options = Object.values(OAUTH_PERSONAS).map((p, i) =>
      `<option value="${escapeHtml(p.name)}"${i === 0 ? " selected" : ""}>${
        escapeHtml(`${p.username} (${p.name}: ${p.demonstrates})`)
      }</option>`
    ).join("\n");
    return page(
      "Authorize device",
      `<p>A device asks to sign in to your Hugging Face account. Check that it shows this code:</p>
<p style="font-size: 2rem; font-family: ui-monospace, monospace; letter-spacing: .1em" id="user-code">${
        escapeHtml(grant.userCode)
      }</p>
<form method="post" action="/oauth/device">
<input type="hidden" name="user_code" value="${escapeHtml(grant.userCode)}">
<p><label for="persona">Sign in as</label><br><select id="persona" name="persona">
${options}
</select></p>
<p>Scopes: <code>${escapeHtml(OAUTH_PERSONAS.alice.scope)}</code></p>
<p><button type="submit" name="action" value="authorize" id="authorize">Authorize</button>
<button type="submit" name="action" value="deny" id="deny">Deny</button></p>
</form>`,
    );
  }

  /**
   * The fake GitHub Actions id-token service (`ACTIONS_ID_TOKEN_REQUEST_URL`):
   * `GET ?audience=…` with `Authorization: Bearer <request token>` → `{"value": jwt}`.
   */
  async githubIdToken(request: Request, url: URL, requestToken: string): Promise<Response> {
    if (request.headers.get("authorization") !== `Bearer ${requestToken}`) {
      return json(401, { message: "Bad credentials" });
    }
    const audience = url.searchParams.get("audience") ?? "";
    return json(200, { count: 1, value: await this.mintIdToken({ aud: audience }) });
  }

  /** The whoami-v2 `auth` object for an OAuth or OIDC token (no `accessToken.displayName`). */
  whoamiAuth(info: IssuedToken): Record<string, unknown> {
    return {
      type: "oauth",
      expiresAt: new Date(info.expiresAt).toISOString(),
      scope: info.persona.scope,
      ...(info.resource ? { resource: info.resource } : {}),
    };
  }

  /** The base persona whose access rules an OAuth token follows on hub and router routes. */
  basePersona(info: IssuedToken): Persona {
    const base = info.persona.username === "sandbox-pat" ? PERSONAS.pro : PERSONAS.read;
    return { ...base, canInfer: info.persona.scope.split(" ").includes("inference-api") };
  }
}
