/**
 * Lazy QR encoder (internal): `uqr` (npm, maintained, no dependencies) loads
 * on the first browser login only, so importing this module costs nothing.
 * The specifiers are held in variables for the reason given in `_clients.ts`:
 * a literal `import("npm:…")` would put npm resolution on the import path.
 *
 * @module
 */

import { load } from "./_clients.ts";

type UqrModule = { encode(text: string, options?: { border?: number }): { data: boolean[][] } };

const UQR = ["uqr", "npm:uqr@^0.1.3"] as const;
let uqr: Promise<UqrModule> | undefined;

/** Loads `uqr` once (the import-map / pinned `npm:` fallback of `_clients.ts`). */
function loadUqr(): Promise<UqrModule> {
  uqr ??= load<UqrModule>(UQR);
  return uqr;
}

/**
 * The QR modules of `text` (`true` = dark, no quiet zone), or `undefined` when
 * the encoder cannot be loaded within `timeoutMs` (no npm access, a first
 * download that is slow): the login works without it.
 */
export async function qrModules(
  text: string,
  timeoutMs = 5_000,
): Promise<boolean[][] | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    const mod = await Promise.race([loadUqr(), late]);
    return mod ? mod.encode(text, { border: 0 }).data : undefined;
  } catch {
    uqr = undefined;
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
