/**
 * JupyterLab's own HTML sanitizer, for tests: the `Sanitizer` class of npm `@jupyterlab/apputils`
 * (the one JupyterLab applies to the HTML outputs of an untrusted notebook, e.g. one reopened
 * from disk), loaded from its module file so none of apputils' widgets (which need a DOM) load.
 * It runs in Deno as is: it wraps `sanitize-html`, which parses with `htmlparser2`. The package
 * comes from tests/_deps/jupyterlab_apputils.ts (pinned in tests/deno.lock).
 *
 * @module
 */
import { Sanitizer } from "./_deps/jupyterlab_apputils.ts";

let sanitizer: Sanitizer | undefined;

/**
 * Sanitizes `html` exactly as JupyterLab does for an untrusted output (`new Sanitizer()` with
 * its default options: `<style>` removed, inline styles filtered to plain values, `var(…)` and
 * unknown properties dropped).
 */
export function sanitizeLikeJupyterLab(html: string): string {
  sanitizer ??= new Sanitizer();
  return sanitizer.sanitize(html);
}

/** The `style` attribute values of `html`, in order (for comparing before and after). */
export function inlineStyles(html: string): string[] {
  return [...html.matchAll(/\sstyle="([^"]*)"/g)].map((m) => m[1]);
}
