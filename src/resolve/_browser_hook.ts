/**
 * The seam through which `getToken({ method: "browser" })` reaches the browser
 * login (internal). The device flow validates and saves the token, which is the
 * Hub layer's job; resolution sits below it and must not import it, so the Hub
 * layer registers the flow here when it loads (`mod.ts` always loads it).
 *
 * @module
 */

import type { Resolution } from "./resolution.ts";
import type { ResolveOptions } from "./resolve_token.ts";

/** Runs a browser login and returns its resolution (source `oauth:device`). */
export type BrowserLoginHook = (options: ResolveOptions) => Promise<Resolution>;

let hook: BrowserLoginHook | undefined;

/** Registers the browser login (called by `src/hub/browser_login.ts`). */
export function setBrowserLoginHook(fn: BrowserLoginHook): void {
  hook = fn;
}

/** The registered browser login, if the Hub layer is loaded. */
export function browserLoginHook(): BrowserLoginHook | undefined {
  return hook;
}
