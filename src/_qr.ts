/**
 * Lazy QR encoder (internal): `uqr` (npm, maintained, no dependencies) loads
 * on the first browser login only, so importing this module costs nothing.
 * The specifiers are held in variables for the reason given in `_clients.ts`:
 * a literal `import("npm:…")` would put npm resolution on the import path.
 *
 * @module
 */

type UqrModule = { encode(text: string, options?: { border?: number }): { data: boolean[][] } };

const UQR = ["uqr", "npm:uqr@^0.1.3"] as const;
let uqr: Promise<UqrModule> | undefined;

function load(): Promise<UqrModule> {
  const [mapped, pinned] = UQR;
  uqr ??= (import(mapped) as Promise<UqrModule>).catch(() => import(pinned) as Promise<UqrModule>);
  return uqr;
}

/**
 * The QR modules of `text` (`true` = dark, no quiet zone), or `undefined` when
 * the encoder cannot be loaded (no npm access): the login works without it.
 */
export async function qrModules(text: string): Promise<boolean[][] | undefined> {
  try {
    const { encode } = await load();
    return encode(text, { border: 0 }).data;
  } catch {
    uqr = undefined;
    return undefined;
  }
}
