/**
 * Sandbox personas: fixed, obviously fake tokens, each standing for one kind
 * of Hugging Face credential (classic read/write, fine-grained with and
 * without the Inference Providers permission, expired, revoked, an app token,
 * one whose profile contains markup, …). The sandbox hub answers
 * `GET /api/whoami-v2` for each of them with the real response shape.
 *
 * Every token looks like `hf_sandbox_<persona>_<owner>`: the underscores after
 * `hf_` mean no sandbox token can ever match the real token pattern
 * `hf_[A-Za-z0-9]{34}`, so printing them is harmless.
 *
 * @module
 */

/**
 * The names of all sandbox personas.
 *
 * @example Usage
 * ```ts
 * import { PERSONAS, type PersonaName } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * const name: PersonaName = "fineGrainedNoInference";
 * assert.equal(PERSONAS[name].canInfer, false);
 * ```
 */
export type PersonaName =
  | "read"
  | "write"
  | "fineGrainedInference"
  | "fineGrainedNoInference"
  | "fineGrainedOrg"
  | "expired"
  | "revoked"
  | "orgApp"
  | "xss"
  | "expiringSoon"
  | "pro"
  | "rateLimited"
  | "serverError"
  | "slow";

/**
 * One entry of `auth.accessToken.fineGrained.scoped` in a whoami-v2 answer.
 *
 * @example Usage
 * ```ts
 * import { type FineGrainedScope, PERSONAS, tokenScopes } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * const scopes: FineGrainedScope[] = tokenScopes(PERSONAS.fineGrainedInference);
 * assert.ok(scopes.every((s) => s.permissions.includes("repo.content.read")));
 * ```
 */
export interface FineGrainedScope {
  /** The user, org or repo the permissions apply to. */
  entity: { _id: string; type: "user" | "org" | "model" | "dataset" | "space"; name: string };
  /** Permission names, e.g. `repo.content.read`. */
  permissions: string[];
}

/**
 * A sandbox persona: a fake token and what the sandbox does with it.
 *
 * @example Usage
 * ```ts
 * import { type Persona, PERSONAS } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * const persona: Persona = PERSONAS.expired;
 * assert.equal(persona.whoamiStatus, 401);
 * ```
 */
export interface Persona {
  /** The persona's name (its key in {@link PERSONAS}). */
  readonly name: PersonaName;
  /** The fake token (`hf_sandbox_<persona>_<owner>`). Printing it is harmless. */
  readonly token: string;
  /** One line: what this persona demonstrates. */
  readonly demonstrates: string;
  /** What `GET /api/whoami-v2` answers: `200`, or the error status. */
  readonly whoamiStatus: 200 | 401 | 429 | 500;
  /** The username (or app name) behind the token; `undefined` when the Hub rejects the token. */
  readonly username?: string;
  /** Whether the router accepts this token for Inference Providers calls. */
  readonly canInfer: boolean;
  /** A fault applied to every request carrying this token (see `faults.ts`). */
  readonly fault?: string;
  /** Token role as the Hub reports it. */
  readonly role?: "read" | "write" | "fineGrained";
  /** Expiry relative to "now", in days, for tokens that report `expiresAt`. */
  readonly expiresInDays?: number;
}

const ALICE = "sandbox-alice";

/**
 * All sandbox personas, keyed by name. Tokens are fixed so notebooks and docs
 * can name them; they are fake and only the sandbox accepts them.
 *
 * | persona | whoami | demonstrates |
 * |---|---|---|
 * | `read` | 200 | classic read token (role `read`) |
 * | `write` | 200 | classic write token (role `write`) |
 * | `fineGrainedInference` | 200 | fine-grained with "Make calls to Inference Providers" |
 * | `fineGrainedNoInference` | 200 | fine-grained, repo read only: router answers 403 |
 * | `fineGrainedOrg` | 200 | fine-grained, scoped to one org only |
 * | `expired` / `revoked` | 401 | the Hub's "Invalid credentials in Authorization header" |
 * | `orgApp` | 200 | an org-scoped app token (`type: "app"`) |
 * | `xss` | 200 | user fullname and token name contain HTML |
 * | `expiringSoon` | 200 | `expiresAt` within 3 days |
 * | `pro` | 200 | `isPro: true`, has accepted the gated model's terms |
 * | `rateLimited` | 429 | every request answered 429 with `Retry-After: 7` |
 * | `serverError` | 500 | every request answered 500 |
 * | `slow` | 200 | every request delayed by 1500 ms |
 *
 * @example Usage
 * ```ts
 * import { whoAmI } from "@huggingface/hub";
 * import { PERSONAS, startSandbox } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * await using hub = startSandbox({ quiet: true });
 * const me = await whoAmI({ hubUrl: hub.url, accessToken: PERSONAS.read.token });
 * assert.deepEqual(me.name, "sandbox-alice");
 * assert.match(PERSONAS.read.token, /^hf_sandbox_read_/);
 * ```
 */
export const PERSONAS: Readonly<Record<PersonaName, Persona>> = Object.freeze(
  {
    read: {
      name: "read",
      token: "hf_sandbox_read_alice",
      demonstrates: "classic read token: whoami ok, inference ok, private org model readable",
      whoamiStatus: 200,
      username: ALICE,
      canInfer: true,
      role: "read",
    },
    write: {
      name: "write",
      token: "hf_sandbox_write_alice",
      demonstrates: "classic write token (role write)",
      whoamiStatus: 200,
      username: ALICE,
      canInfer: true,
      role: "write",
    },
    fineGrainedInference: {
      name: "fineGrainedInference",
      token: "hf_sandbox_fineGrainedInference_alice",
      demonstrates: 'fine-grained with "Make calls to Inference Providers" + repo read scopes',
      whoamiStatus: 200,
      username: ALICE,
      canInfer: true,
      role: "fineGrained",
    },
    fineGrainedNoInference: {
      name: "fineGrainedNoInference",
      token: "hf_sandbox_fineGrainedNoInference_alice",
      demonstrates: "fine-grained, repo read only: whoami ok but the router answers 403",
      whoamiStatus: 200,
      username: ALICE,
      canInfer: false,
      role: "fineGrained",
    },
    fineGrainedOrg: {
      name: "fineGrainedOrg",
      token: "hf_sandbox_fineGrainedOrg_alice",
      demonstrates: "fine-grained, scoped to org sandbox-labs only: no inference, no sandbox/*",
      whoamiStatus: 200,
      username: ALICE,
      canInfer: false,
      role: "fineGrained",
    },
    expired: {
      name: "expired",
      token: "hf_sandbox_expired_alice",
      demonstrates: "expired token: the Hub answers 401 exactly as for any invalid token",
      whoamiStatus: 401,
      canInfer: false,
    },
    revoked: {
      name: "revoked",
      token: "hf_sandbox_revoked_alice",
      demonstrates: "revoked (deleted) token: 401 Invalid credentials in Authorization header",
      whoamiStatus: 401,
      canInfer: false,
    },
    orgApp: {
      name: "orgApp",
      token: "hf_sandbox_orgApp_labs",
      demonstrates: 'org-scoped app token: whoami type "app", no user, no inference',
      whoamiStatus: 200,
      username: "sandbox-labs-notebook-app",
      canInfer: false,
    },
    xss: {
      name: "xss",
      token: "hf_sandbox_xss_mallory",
      demonstrates: "read user whose fullname and token name contain HTML (escaping test)",
      whoamiStatus: 200,
      username: "sandbox-mallory",
      canInfer: true,
      role: "read",
    },
    expiringSoon: {
      name: "expiringSoon",
      token: "hf_sandbox_expiringSoon_alice",
      demonstrates: "valid read token whose expiresAt is 2 days away",
      whoamiStatus: 200,
      username: ALICE,
      canInfer: true,
      role: "read",
      expiresInDays: 2,
    },
    pro: {
      name: "pro",
      token: "hf_sandbox_pro_pat",
      demonstrates: "PRO user (isPro true) who accepted sandbox/gated-model's terms",
      whoamiStatus: 200,
      username: "sandbox-pat",
      canInfer: true,
      role: "read",
    },
    rateLimited: {
      name: "rateLimited",
      token: "hf_sandbox_rateLimited_alice",
      demonstrates: "every request answered 429 with Retry-After: 7",
      whoamiStatus: 429,
      username: ALICE,
      canInfer: true,
      role: "read",
      fault: "429",
    },
    serverError: {
      name: "serverError",
      token: "hf_sandbox_serverError_alice",
      demonstrates: "every request answered 500 Internal Error",
      whoamiStatus: 500,
      username: ALICE,
      canInfer: true,
      role: "read",
      fault: "500",
    },
    slow: {
      name: "slow",
      token: "hf_sandbox_slow_alice",
      demonstrates: "valid read token, every request delayed by 1500 ms",
      whoamiStatus: 200,
      username: ALICE,
      canInfer: true,
      role: "read",
      fault: "latency:1500",
    },
  } satisfies Record<PersonaName, Persona>,
);

/**
 * Finds the persona a token belongs to.
 *
 * @example Usage
 * ```ts
 * import { personaByToken } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(personaByToken("hf_sandbox_write_alice")?.name, "write");
 * assert.deepEqual(personaByToken("hf_not_a_sandbox_token"), undefined);
 * ```
 *
 * @param token A bearer token.
 * @returns The persona, or `undefined` for any other token.
 */
export function personaByToken(token: string): Persona | undefined {
  for (const persona of Object.values(PERSONAS)) if (persona.token === token) return persona;
  return undefined;
}

const ORG_SANDBOX = {
  type: "org",
  id: "66000000000000000000a0a0",
  name: "sandbox",
  fullname: "Sandbox Org",
  email: null,
  canPay: false,
  avatarUrl: "/avatars/sandbox-org.svg",
  periodEnd: null,
  isEnterprise: false,
};
const ORG_LABS = {
  type: "org",
  id: "66000000000000000000a1a1",
  name: "sandbox-labs",
  fullname: "Sandbox Labs",
  email: null,
  canPay: false,
  avatarUrl: "/avatars/sandbox-labs.svg",
  periodEnd: null,
  isEnterprise: false,
};

const USERS: Record<string, Record<string, unknown>> = {
  "sandbox-alice": {
    type: "user",
    id: "66000000000000000000a11c",
    name: "sandbox-alice",
    fullname: "Alice Sandbox",
    email: "alice@sandbox.invalid",
    emailVerified: true,
    canPay: false,
    isPro: false,
    periodEnd: null,
    billingMode: "prepaid",
    avatarUrl: "/avatars/sandbox-alice.svg",
    orgs: [{ ...ORG_SANDBOX, roleInOrg: "admin" }, { ...ORG_LABS, roleInOrg: "read" }],
  },
  "sandbox-mallory": {
    type: "user",
    id: "66000000000000000000ba11",
    name: "sandbox-mallory",
    fullname: "<img src=x onerror=alert(1)>",
    email: "mallory@sandbox.invalid",
    emailVerified: false,
    canPay: false,
    isPro: false,
    periodEnd: null,
    billingMode: "prepaid",
    avatarUrl: "/avatars/sandbox-mallory.svg",
    orgs: [],
  },
  "sandbox-pat": {
    type: "user",
    id: "66000000000000000000ba70",
    name: "sandbox-pat",
    fullname: "Pat Pro",
    email: "pat@sandbox.invalid",
    emailVerified: true,
    canPay: true,
    isPro: true,
    periodEnd: 1767225600,
    billingMode: "postpaid",
    avatarUrl: "/avatars/sandbox-pat.svg",
    orgs: [],
  },
};

const USER_ENTITY = { _id: "66000000000000000000a11c", type: "user", name: ALICE } as const;
const ORG_ENTITY = { _id: ORG_SANDBOX.id, type: "org", name: "sandbox" } as const;
const LABS_ENTITY = { _id: ORG_LABS.id, type: "org", name: "sandbox-labs" } as const;
const REPO_READ = ["repo.content.read", "discussion.write"];

function fineGrained(persona: Persona): Record<string, unknown> | undefined {
  switch (persona.name) {
    case "fineGrainedInference":
      return {
        canReadGatedRepos: true,
        global: ["inference.serverless.write", "discussion.write", "post.write"],
        scoped: [
          { entity: USER_ENTITY, permissions: REPO_READ },
          { entity: ORG_ENTITY, permissions: REPO_READ },
        ],
      };
    case "fineGrainedNoInference":
      return {
        canReadGatedRepos: false,
        global: [],
        scoped: [
          { entity: USER_ENTITY, permissions: REPO_READ },
          { entity: ORG_ENTITY, permissions: REPO_READ },
        ],
      };
    case "fineGrainedOrg":
      return {
        canReadGatedRepos: false,
        global: [],
        scoped: [{ entity: LABS_ENTITY, permissions: [...REPO_READ, "repo.write"] }],
      };
    default:
      return undefined;
  }
}

/**
 * The scoped permissions of a persona's token (empty for classic tokens): the
 * sandbox uses them to decide which private repos a fine-grained token may read.
 *
 * @example Usage
 * ```ts
 * import { PERSONAS, tokenScopes } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(tokenScopes(PERSONAS.fineGrainedOrg).map((s) => s.entity.name), ["sandbox-labs"]);
 * assert.deepEqual(tokenScopes(PERSONAS.read), []);
 * ```
 *
 * @param persona A persona.
 * @returns The `fineGrained.scoped` entries of its token.
 */
export function tokenScopes(persona: Persona): FineGrainedScope[] {
  return (fineGrained(persona)?.scoped as FineGrainedScope[] | undefined) ?? [];
}

const CREATED_AT = "2025-01-15T10:00:00.000Z";

/**
 * Builds the `GET /api/whoami-v2` body the sandbox sends for a persona (the
 * real Hub's shape: user fields, `orgs[]`, `auth.accessToken`). Returns
 * `undefined` for personas the Hub rejects (`whoamiStatus` is not 200).
 *
 * @example Usage
 * ```ts
 * import { PERSONAS, whoamiResponse } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * const body = whoamiResponse(PERSONAS.fineGrainedInference)!;
 * const auth = body.auth as { accessToken: { role: string; fineGrained: { global: string[] } } };
 * assert.deepEqual(auth.accessToken.role, "fineGrained");
 * assert.deepEqual(auth.accessToken.fineGrained.global.includes("inference.serverless.write"), true);
 * assert.deepEqual(whoamiResponse(PERSONAS.revoked), undefined);
 * ```
 *
 * @param persona The persona.
 * @param now The current time (for `expiresAt`).
 * @returns The JSON body, or `undefined`.
 */
export function whoamiResponse(
  persona: Persona,
  now: Date = new Date(),
): Record<string, unknown> | undefined {
  if (persona.whoamiStatus !== 200 && !persona.fault) return undefined;
  if (persona.name === "orgApp") {
    return {
      type: "app",
      id: "66000000000000000000a990",
      name: persona.username,
      scope: { entities: ["sandbox-labs"], role: "read" },
      auth: { type: "app_token" },
    };
  }
  const user = USERS[persona.username ?? ""];
  if (!user) return undefined;
  const displayName = persona.name === "xss"
    ? `notebook <script>alert("token")</script>`
    : `sandbox-${persona.name}`;
  const accessToken: Record<string, unknown> = {
    displayName,
    role: persona.role ?? "read",
    createdAt: CREATED_AT,
  };
  if (persona.expiresInDays !== undefined) {
    accessToken.expiresAt = new Date(now.getTime() + persona.expiresInDays * 86_400_000)
      .toISOString();
  }
  const fg = fineGrained(persona);
  if (fg) accessToken.fineGrained = fg;
  return { ...structuredClone(user), auth: { type: "access_token", accessToken } };
}
