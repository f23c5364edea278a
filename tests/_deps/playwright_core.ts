/**
 * `playwright-core`, for the browser tests (tests/browser/). Test-only packages come from a
 * module like this one (full, exact `npm:` version; pinned in tests/deno.lock), never from
 * `deno.json` `imports`: see tests/_deps/README.md.
 *
 * @module
 */
export * from "npm:playwright-core@1.65.1";
