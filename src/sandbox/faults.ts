/**
 * Fault injection for the sandbox: how a request can be made to fail the way
 * real networks and the real Hub fail (rate limits, 5xx, proxy HTML pages,
 * cut-off JSON, hangs, connection resets, slowness).
 *
 * A fault can be chosen per request (header `x-sandbox-fault: <fault>`), by
 * rule ({@link FaultRule}, via `Sandbox.setFault` or `POST /__sandbox/faults`),
 * per persona (e.g. `rateLimited`) and per model (e.g. `sandbox/loading-model`).
 *
 * @module
 */

import { MODULE_FAULT_NAMES } from "./_recorded.ts";
import { CALL_FAULT_NAMES, type CallFaultName } from "./_call_faults.ts";

export { CALL_FAULT_NAMES, type CallFaultName } from "./_call_faults.ts";

/**
 * The fault kinds, without parameters. `latency` takes `:<ms>`. The recorded-answer
 * faults (`402-credits`, `gated-awaiting-review`, `429-hub`, …) answer exactly as
 * huggingface.co / the router were recorded answering (see `_recorded.ts`).
 *
 * @example Usage
 * ```ts
 * import { FAULT_NAMES } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * assert.ok(FAULT_NAMES.includes("truncated-json"));
 * ```
 */
export const FAULT_NAMES = [
  "latency",
  "hang",
  "429",
  "500",
  "502",
  "503-loading",
  "html-error",
  "truncated-json",
  "reset",
  "503",
  "slow_down",
  "authorization_pending",
  "expired_token",
  "access_denied",
  "invalid_grant",
  ...MODULE_FAULT_NAMES,
] as const;

/**
 * A fault specification:
 * - `latency:<ms>` — answer normally after a delay;
 * - `hang` — never answer until the sandbox closes (then a bare 503);
 * - `429` — Too Many Requests with `Retry-After: 7` and a JSON error;
 * - `500` — the Hub's "Internal Error" JSON;
 * - `502` — Bad Gateway JSON;
 * - `503-loading` — `{"error":"Model … is currently loading","estimated_time":20.0}`;
 * - `html-error` — a proxy's HTML error page with status 502;
 * - `truncated-json` — status 200 with a cut-off JSON body;
 * - `reset` — the connection is closed without any HTTP response;
 * - `503` — Service Unavailable JSON (e.g. during a refresh);
 * - `slow_down`, `authorization_pending`, `expired_token`, `access_denied`,
 *   `invalid_grant` — the OAuth token endpoint's RFC 6749 §5.2 / RFC 8628 §3.5
 *   error answer: status 400, `{"error": "<name>", "error_description": "…"}`;
 * - recorded answers of the real Hub and router: `402-credits` (2025 wording), `402-payg`
 *   (2026), `gated-login` (401), `gated-awaiting-review`, `gated-rejected`, `gated-reset`
 *   (403, `X-Error-Code: GatedRepo`), `401-not-visible` ("Invalid username or password."),
 *   `410-deprecated`, `400-not-supported-by-provider`, `404-not-deployed`,
 *   `404-model-does-not-exist`, `v1-model-not-found`, `v1-model-not-supported` (the `/v1`
 *   OpenAI envelope), `422-no-chat-template`, `422-text-plain`, `429-provider` (no
 *   `Retry-After`), `429-hub` (`RateLimit` headers).
 *
 * @example Usage
 * ```ts
 * import { type Fault, parseFault } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * const fault: Fault = "latency:100";
 * assert.deepEqual(parseFault(fault), { kind: "latency", ms: 100 });
 * ```
 */
export type Fault =
  | `latency:${number}`
  | "hang"
  | "429"
  | "500"
  | "502"
  | "503-loading"
  | "html-error"
  | "truncated-json"
  | "reset"
  // the OAuth token endpoint's faults (503, slow_down, invalid_grant, …) and the
  // recorded-answer faults (402-credits, gated-awaiting-review, 429-hub, …)
  | Exclude<(typeof FAULT_NAMES)[number], "latency">
  // the faults for a user's own calls (stream-error-tgi, 409-repo-exists, …)
  | CallFaultName;

/**
 * Which requests a {@link FaultRule} applies to. All given fields must match.
 *
 * @example Usage
 * ```ts
 * import { faultMatches, type FaultMatch } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * const match: FaultMatch = { origin: "router" };
 * const target = { path: "/v1/chat/completions", search: "", persona: "read", origin: "router" } as const;
 * assert.equal(faultMatches(match, target), true);
 * ```
 */
export interface FaultMatch {
  /** A string matches when the path (without query) starts with it; a RegExp is tested on path+query. */
  path?: RegExp | string;
  /** Persona name (see `PERSONAS`), or `"anonymous"` / `"unknown"` for no / an unknown token. */
  persona?: string;
  /** `hub` (huggingface.co), `router` (router.huggingface.co) or `github` (the fake id-token service). */
  origin?: "hub" | "router" | "github";
}

/**
 * A programmatic fault: applies to matching requests, `times` times (default: until cleared).
 *
 * @example Usage
 * ```ts
 * import { type FaultRule, startSandbox } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * await using hub = startSandbox({ quiet: true });
 * const rule: FaultRule = { match: { path: "/api/whoami-v2" }, fault: "429", times: 1 };
 * hub.setFault(rule);
 * const res = await fetch(`${hub.url}/api/whoami-v2`);
 * assert.equal(res.headers.get("retry-after"), "7");
 * await res.body?.cancel();
 * ```
 */
export interface FaultRule {
  /** Which requests; omitted means all. */
  match?: FaultMatch;
  /** What happens to them. */
  fault: Fault | string;
  /** How many matching requests get the fault before the rule retires. */
  times?: number;
}

/**
 * A parsed fault.
 *
 * @example Usage
 * ```ts
 * import { type ParsedFault, parseFault } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * const parsed: ParsedFault = parseFault("hang");
 * assert.equal(parsed.kind, "hang");
 * ```
 */
export type ParsedFault =
  | { kind: "latency"; ms: number }
  | { kind: Exclude<(typeof FAULT_NAMES)[number], "latency"> | CallFaultName };

/**
 * Parses and validates a fault specification.
 *
 * @example Usage
 * ```ts
 * import { parseFault } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseFault("latency:250"), { kind: "latency", ms: 250 });
 * assert.deepEqual(parseFault("reset"), { kind: "reset" });
 * assert.throws(() => parseFault("teapot"), TypeError);
 * ```
 *
 * @param spec A fault such as `429` or `latency:500`.
 * @returns The parsed fault.
 * @throws {TypeError} For an unknown fault.
 */
export function parseFault(spec: string): ParsedFault {
  const value = spec.trim();
  const latency = /^latency:(\d+)$/.exec(value);
  if (latency) return { kind: "latency", ms: Number(latency[1]) };
  if ((FAULT_NAMES as readonly string[]).includes(value) && value !== "latency") {
    return { kind: value as Exclude<(typeof FAULT_NAMES)[number], "latency"> };
  }
  if ((CALL_FAULT_NAMES as readonly string[]).includes(value)) {
    return { kind: value as CallFaultName };
  }
  throw new TypeError(
    `Unknown sandbox fault ${JSON.stringify(spec)}. Use one of: latency:<ms>, ` +
      [...FAULT_NAMES.filter((f) => f !== "latency"), ...CALL_FAULT_NAMES].join(", ") + ".",
  );
}

/**
 * The request attributes a rule is matched against.
 *
 * @example Usage
 * ```ts
 * import { faultMatches, type FaultTarget } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * const target: FaultTarget = { path: "/api/models", search: "?author=sandbox", persona: "anonymous", origin: "hub" };
 * assert.equal(faultMatches({ path: /author=sandbox/ }, target), true);
 * ```
 */
export interface FaultTarget {
  /** URL path. */
  path: string;
  /** URL query including `?`, or empty. */
  search: string;
  /** Persona name, `anonymous` or `unknown`. */
  persona: string;
  /** Which listener received the request. */
  origin: "hub" | "router" | "github";
}

/**
 * Whether a rule's match applies to a request.
 *
 * @example Usage
 * ```ts
 * import { faultMatches } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * const target = { path: "/api/whoami-v2", search: "", persona: "read", origin: "hub" } as const;
 * assert.deepEqual(faultMatches({ path: "/api/whoami" }, target), true);
 * assert.deepEqual(faultMatches({ origin: "router" }, target), false);
 * assert.deepEqual(faultMatches({ path: /whoami-v\d$/, persona: "read" }, target), true);
 * ```
 *
 * @param match The rule's match (undefined matches everything).
 * @param target The request.
 * @returns `true` when every given field matches.
 */
export function faultMatches(match: FaultMatch | undefined, target: FaultTarget): boolean {
  if (!match) return true;
  if (match.origin && match.origin !== target.origin) return false;
  if (match.persona && match.persona !== target.persona) return false;
  if (match.path !== undefined) {
    if (typeof match.path === "string") {
      if (!target.path.startsWith(match.path)) return false;
    } else if (!match.path.test(target.path + target.search)) return false;
  }
  return true;
}
