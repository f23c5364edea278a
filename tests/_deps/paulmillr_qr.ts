/**
 * `@paulmillr/qr`'s decoder (`decode.js`), for reading back the QR codes the login card draws
 * (tests/_qr_decode.ts): an independent library from the `uqr` encoder the module uses. Test-only
 * packages come from a module like this one (full, exact `npm:` version; pinned in
 * tests/deno.lock), never from `deno.json` `imports`: see tests/_deps/README.md.
 *
 * @module
 */
export * from "npm:@paulmillr/qr@0.3.0/decode.js";
