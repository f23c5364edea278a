/**
 * `@jupyterlab/apputils`, for JupyterLab's own HTML `Sanitizer` (tests/_sanitize.ts: the at-a-glance
 * tests and the gallery check that the outputs survive it). Only the module file of the sanitizer
 * is loaded, so none of apputils' widgets (which need a DOM) load; it runs in Deno as is (it wraps
 * `sanitize-html`, which parses with `htmlparser2`). Test-only packages come from a module like
 * this one (full, exact `npm:` version; pinned in tests/deno.lock), never from `deno.json`
 * `imports`: see tests/_deps/README.md.
 *
 * @module
 */
export * from "npm:@jupyterlab/apputils@4.7.6/lib/sanitizer.js";
