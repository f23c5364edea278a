/**
 * How the store tells the session cache that tokens left the disk, without
 * importing it: the store sits below resolution, so it announces here (a
 * rank-0 helper both may import) and the session cache, which registers a
 * listener when it loads, drops a resolution that held one of them.
 *
 * The listeners live in a `globalThis` slot, like the session itself, so a
 * second copy of the module (another URL or version) is told too.
 *
 * @module
 */

/** Called with the tokens that were removed (never shown: they are compared, not printed). */
export type ForgottenTokensListener = (tokens: readonly string[]) => void;

const SLOT = Symbol.for("hf-notebook-auth.forgotten-tokens.v1");

function listeners(): Set<ForgottenTokensListener> {
  const g = globalThis as unknown as Record<symbol, Set<ForgottenTokensListener> | undefined>;
  let set = g[SLOT];
  if (!set) {
    set = new Set();
    Object.defineProperty(g, SLOT, { value: set, configurable: true, enumerable: false });
  }
  return set;
}

/** Registers a listener (the session cache does, once per loaded copy). */
export function onTokensForgotten(listener: ForgottenTokensListener): void {
  listeners().add(listener);
}

/** Announces that `tokens` were removed from the token files (by `forgetToken`). */
export function tokensForgotten(tokens: readonly string[]): void {
  if (tokens.length === 0) return;
  for (const listener of listeners()) listener(tokens);
}
