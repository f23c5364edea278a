/**
 * The per-kernel session cache. It lives in a slot on `globalThis` keyed by
 * `Symbol.for(...)`, so a second import of this module (another URL or version)
 * shares it: a notebook resolves its token once per kernel.
 *
 * @module
 */

import { onTokensForgotten } from "../_forgotten_tokens.ts";
import { maskToken } from "../_mask.ts";
import type { Resolution } from "./resolution.ts";

/** What the session keeps. Other parts of the module add their own maps here. */
export interface SessionState {
  /** Layout version of this slot; bumped on incompatible changes. */
  version: 1;
  /** The resolution in force (first success, `setToken`, or refresh). */
  resolution?: Resolution;
  /** A resolution under way: concurrent callers share it (one prompt, not two). */
  pending?: Promise<Resolution>;
  /** Remote secret-store look-ups that found nothing (or failed), keyed `store:name`. */
  negative: Map<string, { outcome: "not-found" | "error"; detail: string }>;
  /** Validations by token (the Map key is the token; never displayed). */
  validations: Map<string, Promise<unknown>>;
  /**
   * Models picked by the probe suite's model search, keyed by hub URL and search
   * (`probes/_model_pick.ts`); only successful searches stay. Created on first use.
   */
  modelPicks?: Map<string, { pending: Promise<unknown>; found?: unknown }>;
  /** Counters used by benchmarks and tests to prove cached calls do no I/O. */
  stats: { resolutions: number; fileReads: number; requests: number };
}

const SLOT = Symbol.for("hf-notebook-auth.session.v1");

// `forgetToken` (src/store, below this layer) announces the tokens it removed: a session
// that resolved one of them resolves again on the next call.
onTokensForgotten((tokens) => {
  const state = sessionState();
  if (state.resolution && tokens.includes(state.resolution.token)) state.resolution = undefined;
});

/**
 * Returns the session state, creating it on first use.
 *
 * @example Usage
 * ```ts
 * import { sessionState } from "@hf-notebook/auth/resolve";
 * import assert from "node:assert/strict";
 *
 * assert(sessionState() === sessionState());
 * ```
 *
 * @returns The one state object of this JavaScript realm.
 */
export function sessionState(): SessionState {
  const g = globalThis as unknown as Record<symbol, SessionState | undefined>;
  let state = g[SLOT];
  if (!state || state.version !== 1) {
    state = {
      version: 1,
      negative: new Map(),
      validations: new Map(),
      stats: { resolutions: 0, fileReads: 0, requests: 0 },
    };
    Object.defineProperty(g, SLOT, { value: state, configurable: true, enumerable: false });
  }
  if (!Object.hasOwn(state, INSPECT)) {
    // The validations map is keyed by token: showing the state (console.log, a notebook
    // cell ending in sessionState()) must show those keys masked.
    Object.defineProperty(state, INSPECT, { value: inspectState, enumerable: false });
  }
  return state;
}

const INSPECT = Symbol.for("Deno.customInspect");

function inspectState(
  this: SessionState,
  inspect: (value: unknown, options?: unknown) => string,
  options: unknown,
): string {
  const view = {
    version: this.version,
    resolution: this.resolution,
    pending: this.pending ? "(resolving…)" : undefined,
    negative: this.negative,
    validations: new Map([...this.validations].map(([token, v]) => [maskToken(token), v])),
    ...(this.modelPicks ? { modelPicks: this.modelPicks } : {}),
    stats: this.stats,
  };
  return `SessionState ${inspect(view, options)}`;
}

/**
 * A private, non-enumerable slot on the session state for one part of the
 * module (it holds tokens: `JSON.stringify(sessionState())` and
 * `console.log` must not show it). Created with `init` on first use;
 * `resetSession()` drops it.
 *
 * @param key The slot's name.
 * @param init Makes the initial value.
 * @returns The slot's value.
 */
export function privateSlot<T>(key: string, init: () => T): T {
  const state = sessionState() as unknown as Record<string, T>;
  if (!Object.hasOwn(state, key)) {
    Object.defineProperty(state, key, {
      value: init(),
      enumerable: false,
      configurable: true,
      writable: true,
    });
  }
  return state[key];
}

/**
 * Forgets everything the session cached (token, pending prompt, negative
 * look-ups, validations). Used by `clearToken()`.
 *
 * @example Usage
 * ```ts
 * import { sessionState } from "@hf-notebook/auth/resolve";
 * import { resetSession } from "./session_cache.ts";
 * import assert from "node:assert/strict";
 *
 * resetSession();
 * assert.deepEqual(sessionState().resolution, undefined);
 * ```
 */
export function resetSession(): void {
  const state = sessionState();
  state.resolution = undefined;
  state.pending = undefined;
  state.negative.clear();
  state.validations.clear();
  // Every privateSlot (the only non-enumerable string keys), whichever part made it.
  const extra = state as unknown as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(extra)) {
    if (!Object.prototype.propertyIsEnumerable.call(extra, key)) delete extra[key];
  }
  state.modelPicks?.clear();
}
