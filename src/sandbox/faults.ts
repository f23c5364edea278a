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

/** The fault kinds, without parameters. `latency` takes `:<ms>`. */
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
] as const;

/**
 * A fault specification:
 * - `latency:<ms>` — answer normally after a delay;
 * - `hang` — never answer (until the client aborts or the sandbox closes);
 * - `429` — Too Many Requests with `Retry-After: 7` and a JSON error;
 * - `500` — the Hub's "Internal Error" JSON;
 * - `502` — Bad Gateway JSON;
 * - `503-loading` — `{"error":"Model … is currently loading","estimated_time":20.0}`;
 * - `html-error` — a proxy's HTML error page with status 502;
 * - `truncated-json` — status 200 with a cut-off JSON body;
 * - `reset` — the connection is closed without any HTTP response.
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
  | "reset";

/** Which requests a {@link FaultRule} applies to. All given fields must match. */
export interface FaultMatch {
  /** A string matches when the path (without query) starts with it; a RegExp is tested on path+query. */
  path?: RegExp | string;
  /** Persona name (see `PERSONAS`), or `"anonymous"` / `"unknown"` for no / an unknown token. */
  persona?: string;
  /** `hub` (huggingface.co) or `router` (router.huggingface.co). */
  origin?: "hub" | "router";
}

/** A programmatic fault: applies to matching requests, `times` times (default: until cleared). */
export interface FaultRule {
  /** Which requests; omitted means all. */
  match?: FaultMatch;
  /** What happens to them. */
  fault: Fault | string;
  /** How many matching requests get the fault before the rule retires. */
  times?: number;
}

/** A parsed fault. */
export type ParsedFault =
  | { kind: "latency"; ms: number }
  | { kind: Exclude<(typeof FAULT_NAMES)[number], "latency"> };

/**
 * Parses and validates a fault specification.
 *
 * @example Usage
 * ```ts
 * import { parseFault } from "@hf-notebook/auth/sandbox";
 * import { assertEquals, assertThrows } from "node:assert/strict";
 *
 * assertEquals(parseFault("latency:250"), { kind: "latency", ms: 250 });
 * assertEquals(parseFault("reset"), { kind: "reset" });
 * assertThrows(() => parseFault("teapot"), TypeError);
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
  throw new TypeError(
    `Unknown sandbox fault ${JSON.stringify(spec)}. Use one of: latency:<ms>, ` +
      FAULT_NAMES.filter((f) => f !== "latency").join(", ") + ".",
  );
}

/** The request attributes a rule is matched against. */
export interface FaultTarget {
  /** URL path. */
  path: string;
  /** URL query including `?`, or empty. */
  search: string;
  /** Persona name, `anonymous` or `unknown`. */
  persona: string;
  /** Which listener received the request. */
  origin: "hub" | "router";
}

/**
 * Whether a rule's match applies to a request.
 *
 * @example Usage
 * ```ts
 * import { faultMatches } from "@hf-notebook/auth/sandbox";
 * import { assertEquals } from "node:assert/strict";
 *
 * const target = { path: "/api/whoami-v2", search: "", persona: "read", origin: "hub" } as const;
 * assertEquals(faultMatches({ path: "/api/whoami" }, target), true);
 * assertEquals(faultMatches({ origin: "router" }, target), false);
 * assertEquals(faultMatches({ path: /whoami-v\d$/, persona: "read" }, target), true);
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
