/**
 * The Deno Jupyter display API, when running inside a Deno kernel (internal; shared by the
 * live probe table and the browser-login card).
 *
 * Deno 2.9.6: `Deno.jupyter.display(bundle, { raw: true, display_id })` sends
 * `display_data` with `transient.display_id`; adding `update: true` sends
 * `update_display_data` for the same id. Outside `deno jupyter`, reading
 * `Deno.jupyter` throws, which is how the kernel is detected.
 *
 * @module
 */

/** The part of `Deno.jupyter` this module uses. */
export interface JupyterDisplay {
  display(
    obj: unknown,
    options?: { raw?: boolean; update?: boolean; display_id?: string },
  ): Promise<void>;
}

/** The Deno Jupyter API when running inside a Deno kernel, else `undefined`. */
export function jupyterApi(): JupyterDisplay | undefined {
  try {
    const jupyter = (Deno as unknown as { jupyter?: JupyterDisplay }).jupyter;
    return typeof jupyter?.display === "function" ? jupyter : undefined;
  } catch {
    return undefined; // "Deno.jupyter is only available in `deno jupyter` subcommand"
  }
}
