/**
 * The resolver's building blocks: the ordered list of token sources it walks,
 * the fix it gives for each platform, and the per-kernel session cache.
 * `getToken()`, `resolveToken()`, `setToken()` and `clearToken()` (main entry
 * point) are what a notebook calls; import from here to see or reuse the
 * order, or to look at what the session holds.
 *
 * @example The order the resolver walks, and the session it keeps
 * ```ts
 * import { buildSourceList, sessionState } from "@hf-notebook/auth/resolve";
 * import assert from "node:assert/strict";
 *
 * const ids = buildSourceList({ env: {}, kaggle: false, mountedSecretDirs: [] }).map((s) => s.id);
 * assert.ok(ids.indexOf("env:HF_TOKEN") < ids.indexOf("dotenv:.env.local"));
 * assert.ok(ids.at(-1)!.startsWith("file:"), "the token file comes last");
 * assert.equal(typeof sessionState().stats.resolutions, "number");
 * ```
 *
 * @module
 */

export { buildSourceList } from "./source_list.ts";
export type { SourceListOptions } from "./source_list.ts";
export { platformFix } from "./platform_fix.ts";
export { sessionState } from "./session_cache.ts";
export type { SessionState } from "./session_cache.ts";
export type {
  BrowserLoginInfo,
  Platform,
  Resolution,
  TokenWarning,
  TokenWarningCode,
} from "./resolution.ts";
export type { SecretStore, SecretValue } from "../sources/secret_store.ts";
export type {
  Attempt,
  AttemptOutcome,
  SourceContext,
  SourceLookup,
  SourceSession,
  TokenSource,
} from "../sources/types.ts";
export type { EnvLike } from "../_env.ts";
