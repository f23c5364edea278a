/**
 * `whoami()`: asks the Hub who a token belongs to and what it may do, with the
 * real `@huggingface/hub` client, and turns every outcome (accepted, refused,
 * rate-limited, server trouble, network trouble, offline) into a
 * {@linkcode Validation} with a reason and fixes instead of a stack trace.
 *
 * This file holds the public function, its options and docs; the body lives in
 * `_whoami_run.ts` and loads on the first call, so importing the module stays cheap.
 *
 * @module
 */

import type { Resolution } from "../resolve/resolution.ts";
import type { ResolveOptions } from "../resolve/resolve_token.ts";
import type { NetworkOptions } from "./endpoints.ts";
import type { Validation } from "./validation.ts";

/**
 * Default time limit of one whoami request.
 *
 * @example Usage
 * ```ts
 * import { DEFAULT_WHOAMI_TIMEOUT_MS } from "@hf-notebook/auth/hub";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DEFAULT_WHOAMI_TIMEOUT_MS, 10_000);
 * ```
 */
export const DEFAULT_WHOAMI_TIMEOUT_MS = 10_000;

/** Options of {@linkcode whoami}. */
export interface WhoamiOptions extends NetworkOptions, Omit<ResolveOptions, "token" | "refresh"> {
  /** Check this token instead of resolving one (its source reads `explicit:token`). */
  token?: string;
  /** Check the token of this resolution (its source and warnings are carried over). */
  resolution?: Resolution;
  /**
   * Ask the Hub again even if this token was already checked in this session.
   * (Token sources are not re-read: pass a fresh `resolution` for that.)
   */
  refresh?: boolean;
  /** Time limit of the request in milliseconds. Default: 10 000. */
  timeoutMs?: number;
}

/**
 * Checks a token with the Hub (`GET /api/whoami-v2` through the real
 * `@huggingface/hub` client) and returns a {@linkcode Validation}: who it
 * belongs to, its role, fine-grained permissions, expiry and diagnostics with
 * fixes. It never throws for a refused token or a network problem: those
 * become verdicts (`invalid`, `expired`, `rate-limited`, `server-error`,
 * `network-error`, `offline`) with a reason. It throws only when no token can
 * be resolved, or when the caller's `signal` aborts.
 *
 * One request per token per session: later calls reuse the answer (transient
 * failures are not kept); `refresh: true` asks again. With `HF_HUB_OFFLINE=1`
 * no request is made. Without `token` or `resolution`, the token is found with
 * `resolveToken(options)`.
 *
 * @example Check a fine-grained token that cannot call Inference Providers
 * ```ts
 * import { whoami } from "@hf-notebook/auth";
 * import { PERSONAS, startSandbox } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * const sandbox = await startSandbox({ quiet: true });
 * try {
 *   const v = await whoami({
 *     token: PERSONAS.fineGrainedNoInference.token,
 *     hubUrl: sandbox.url,
 *     env: {},
 *   });
 *   assert.deepEqual(v.verdict, "valid");
 *   assert.ok(v.diagnostics.some((d) => d.code === "missing-inference-permission"));
 *
 *   const bad = await whoami({ token: PERSONAS.revoked.token, hubUrl: sandbox.url, env: {} });
 *   assert.deepEqual(bad.verdict, "invalid");
 * } finally {
 *   await sandbox.close();
 * }
 * ```
 *
 * @param options The token (or resolution, or resolve options), endpoints,
 *   fetch, signal, time limit and `refresh`.
 * @returns The validation (render it, or read `verdict` / `diagnostics`).
 */
export async function whoami(options: WhoamiOptions = {}): Promise<Validation> {
  const { runWhoami } = await import("./_whoami_run.ts");
  return await runWhoami(options);
}
