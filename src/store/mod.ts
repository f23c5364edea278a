/**
 * Where the token files live and how `stored_tokens` is read and written,
 * exactly as huggingface_hub does. `saveToken()`, `forgetToken()`,
 * `switchToken()` and `listStoredTokens()` (main entry point) are what a
 * notebook calls; import from here to find the files or to read them yourself.
 *
 * @example Find the files, read a `stored_tokens` text
 * ```ts
 * import { parseStoredTokens, tokenPaths } from "@hf-notebook/auth/store";
 * import assert from "node:assert/strict";
 *
 * const { tokenPath, storedTokensPath } = tokenPaths({ env: { HF_HOME: "/data/hf" } });
 * assert.equal(tokenPath, "/data/hf/token");
 * const stored = parseStoredTokens("[work]\nhf_token = hf_sandbox_write_bob\n", storedTokensPath);
 * assert.deepEqual([...stored.keys()], ["work"]);
 * ```
 *
 * @module
 */

export { displayPath, tokenPaths } from "./paths.ts";
export type { TokenPaths } from "./paths.ts";
export {
  parseStoredTokens,
  parseStoredTokensFile,
  serializeStoredTokens,
  setStoredSection,
} from "./stored_tokens_ini.ts";
export type {
  StoredTokenFields,
  StoredTokenSection,
  StoredTokensFile,
} from "./stored_tokens_ini.ts";
// How a browser login is described in listStoredTokens() rows and by `hf switch`.
export { describeBrowserLogin } from "./save_token.ts";
export type { SaveTokenOptions, StoredTokenInfo, StoreOptions } from "./save_token.ts";
export type { EnvLike } from "../_env.ts";
