/**
 * The token sources: every place a token can come from, as values you can
 * list, reorder or call yourself, plus the token hygiene, platform detection
 * and secure prompt the resolver uses. `getToken()` and `resolveToken()` (main
 * entry point) walk these for you; import from here to build your own order,
 * look one source up, or clean a token the same way.
 *
 * - Secret stores: {@linkcode kaggleSecretStore}, {@linkcode mountedSecretStore},
 *   {@linkcode runSecretsStore}, {@linkcode credentialsDirectoryStore} (your own:
 *   implement `SecretStore` from the main entry point).
 * - Environment and files: {@linkcode envSources}, {@linkcode dotenvSources},
 *   {@linkcode tokenFileSource}.
 * - Hygiene: {@linkcode normalizeToken}; where the code runs:
 *   {@linkcode detectPlatform}; asking a person: {@linkcode promptForToken};
 *   Colab: {@linkcode COLAB_BRIDGE_CELL}.
 *
 * @example Look a token up in one source, then clean it
 * ```ts
 * import { envSources, normalizeToken } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * const [hfToken] = envSources(["HF_TOKEN"]);
 * const env = { HF_TOKEN: "  Bearer hf_sandbox_read_alice\n" };
 * const hit = await hfToken.lookup({ env, cwd: ".", fetch });
 * assert.equal(hit.outcome, "found");
 * assert.equal(normalizeToken(hit.value!, hfToken.id).token, "hf_sandbox_read_alice");
 * ```
 *
 * @module
 */

export type {
  Attempt,
  AttemptOutcome,
  SourceContext,
  SourceLookup,
  SourceSession,
  TokenSource,
  TokenWarning,
  TokenWarningCode,
} from "./types.ts";
export type { SecretStore, SecretValue } from "./secret_store.ts";
// A secret store failed / a named secret is nowhere (`secrets()`, the stores) / the OIDC
// exchange failed: `HfAuthError`s (the main entry point exports the base class).
export { OidcError, SecretAccessError, SecretNotFoundError } from "../errors.ts";
export type { HfAuthError } from "../errors.ts";
export { kaggleSecretStore } from "./kaggle_secrets.ts";
export { credentialsDirectoryStore, mountedSecretStore, runSecretsStore } from "./file_secrets.ts";
export { envSources, LEGACY_ENV_NAMES, TOKEN_ENV_NAMES } from "./env_vars.ts";
export { DOTENV_FILES, dotenvSources } from "./dotenv_files.ts";
export { tokenFileSource } from "./token_file.ts";
export { ID_TOKEN_TYPE, oidcExchange, TOKEN_EXCHANGE_GRANT_TYPE } from "./oidc.ts";
export type { OidcOptions, OidcToken } from "./oidc.ts";
export { MAX_TOKEN_LENGTH, normalizeToken } from "./normalize_token.ts";
export type { NormalizedToken } from "./normalize_token.ts";
export { COLAB_BRIDGE_CELL, colabExplanation } from "./colab.ts";
export { detectPlatform, inJupyterKernel } from "./platform.ts";
export type { DetectPlatformOptions, Platform } from "./platform.ts";
export type { EnvLike } from "../_env.ts";
export { PROMPT_MESSAGE, promptForToken } from "./prompt.ts";
export type { PromptOptions, PromptOutcome } from "./prompt.ts";
