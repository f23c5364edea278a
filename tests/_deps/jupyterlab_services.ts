/**
 * `@jupyterlab/services`, for driving Jupyter servers and Deno kernels (tests/_jupyter.ts, and
 * through it the notebook runner behind `deno task demo`). Test-only packages come from a module
 * like this one (full, exact `npm:` version; pinned in tests/deno.lock), never from `deno.json`
 * `imports`: see tests/_deps/README.md.
 *
 * @module
 */
export * from "npm:@jupyterlab/services@7.6.6";
