/**
 * JupyterLab's own HTML sanitizer, for tests: the `Sanitizer` class of npm `@jupyterlab/apputils`
 * (the one JupyterLab applies to the HTML outputs of an untrusted notebook, e.g. one reopened
 * from disk), loaded from its module file so none of apputils' widgets (which need a DOM) load.
 * It runs in Deno as is: it wraps `sanitize-html`, which parses with `htmlparser2`.
 *
 * The specifier is pinned here, in this one test helper, and not in `deno.json`'s import map:
 * only tests and the gallery use it.
 *
 * @module
 */
// A test-only dependency, pinned in full here rather than in deno.json's import map.
// deno-lint-ignore no-import-prefix
import { Sanitizer } from "npm:@jupyterlab/apputils@4.7.6/lib/sanitizer.js";

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
