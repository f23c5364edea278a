/**
 * # hf-notebook-auth
 *
 * Get a Hugging Face access token the safe way in a Deno Jupyter notebook,
 * and see at a glance what it can do.
 *
 * - **Find the token**: named secret stores (Kaggle user secrets, mounted
 *   secret files, your own stores; Colab detected and explained), then
 *   `HF_TOKEN` & co., `.env.local` / `.env`, the token file written by
 *   `hf auth login`, then a secure prompt (a masked password box in the kernel,
 *   hidden input in a terminal, a clear error where nobody can answer).
 * - **Keep it for the session**: resolved once per kernel; later calls do no I/O.
 * - **Show what it is and can do**: `login()` / `whoami()` return a validation
 *   card, `probe()` a capability table, `sources()` the sources table; each
 *   renders as HTML in Jupyter and as text in a terminal. Tokens only ever
 *   appear masked (`hf_Ab…xyz`).
 *
 * @example Resolve the token
 * ```ts
 * import { getToken, resolveToken } from "@hf-notebook/auth";
 * import assert from "node:assert/strict";
 *
 * const env = { HF_TOKEN: "hf_sandbox_read_alice" };
 * const token = await getToken({ env, refresh: true });
 * const { source } = await resolveToken();
 * assert.deepEqual([token, source], ["hf_sandbox_read_alice", "env:HF_TOKEN"]);
 * ```
 *
 * @module
 */

export { maskToken, redact } from "./src/_mask.ts";
export type { EnvLike } from "./src/_env.ts";
export {
  DeviceCodeError,
  HfAuthError,
  InvalidTokenError,
  OidcError,
  SecretAccessError,
  SecretNotFoundError,
  TokenNotFoundError,
  TokenStorageError,
} from "./src/errors.ts";

// Token sources
export type {
  Attempt,
  AttemptOutcome,
  SourceContext,
  SourceLookup,
  TokenSource,
} from "./src/sources/types.ts";
export type { SecretStore, SecretValue } from "./src/sources/secret_store.ts";
export { kaggleSecretStore } from "./src/sources/kaggle_secrets.ts";
export {
  credentialsDirectoryStore,
  mountedSecretStore,
  runSecretsStore,
} from "./src/sources/file_secrets.ts";
export { envSources, LEGACY_ENV_NAMES, TOKEN_ENV_NAMES } from "./src/sources/env_vars.ts";
export { DOTENV_FILES, dotenvSources } from "./src/sources/dotenv_files.ts";
export { tokenFileSource } from "./src/sources/token_file.ts";
export { ID_TOKEN_TYPE, oidcExchange, TOKEN_EXCHANGE_GRANT_TYPE } from "./src/sources/oidc.ts";
export type { OidcOptions, OidcToken } from "./src/sources/oidc.ts";
export { MAX_TOKEN_LENGTH, normalizeToken } from "./src/sources/normalize_token.ts";
export type { NormalizedToken } from "./src/sources/normalize_token.ts";
export { COLAB_BRIDGE_CELL, colabExplanation } from "./src/sources/colab.ts";
export { detectPlatform, inJupyterKernel } from "./src/sources/platform.ts";
export type { DetectPlatformOptions } from "./src/sources/platform.ts";
export { PROMPT_MESSAGE, promptForToken } from "./src/sources/prompt.ts";
export type { PromptOptions, PromptOutcome } from "./src/sources/prompt.ts";

// Resolution and session cache
export { clearToken, getToken, resolveToken, setToken } from "./src/resolve/resolve_token.ts";
export type { ResolveOptions } from "./src/resolve/resolve_token.ts";
export { Resolution } from "./src/resolve/resolution.ts";
export type {
  BrowserLoginInfo,
  Platform,
  TokenWarning,
  TokenWarningCode,
} from "./src/resolve/resolution.ts";
export { sessionState } from "./src/resolve/session_cache.ts";
export type { SessionState } from "./src/resolve/session_cache.ts";
export { buildSourceList } from "./src/resolve/source_list.ts";
export type { SourceListOptions } from "./src/resolve/source_list.ts";
export { platformFix } from "./src/resolve/platform_fix.ts";
export { sources, SourcesTable } from "./src/resolve/sources_table.ts";
export { secrets } from "./src/resolve/secrets.ts";
export type { SecretsOptions } from "./src/resolve/secrets.ts";

// Persistence (opt-in)
export {
  describeBrowserLogin,
  forgetToken,
  listStoredTokens,
  saveToken,
  switchToken,
} from "./src/store/save_token.ts";
export type {
  SaveTokenOptions,
  StoredTokenInfo,
  StoreOptions,
  StoreResult,
} from "./src/store/save_token.ts";
export { displayPath, tokenPaths } from "./src/store/paths.ts";
export type { TokenPaths } from "./src/store/paths.ts";
export {
  parseStoredTokens,
  parseStoredTokensFile,
  serializeStoredTokens,
  setStoredSection,
} from "./src/store/stored_tokens_ini.ts";
export type {
  StoredTokenFields,
  StoredTokenSection,
  StoredTokensFile,
} from "./src/store/stored_tokens_ini.ts";

// Hub endpoints
export {
  DEFAULT_HUB_URL,
  DEFAULT_INFERENCE_URL,
  guardedFetch,
  resolveEndpoints,
} from "./src/hub/endpoints.ts";
export type { Endpoints, NetworkOptions } from "./src/hub/endpoints.ts";
export type {
  Diagnostic,
  Identity,
  PermissionGroup,
  Severity,
  TokenFacts,
  ValidationData,
  Verdict,
} from "./src/hub/types.ts";

// Display
export { Displayable, JUPYTER_DISPLAY } from "./src/display/displayable.ts";
export type { MimeBundle } from "./src/display/displayable.ts";
export { renderSourcesHtml, renderSourcesText } from "./src/display/sources_table.ts";
export type { SourceRow, SourcesData } from "./src/display/sources_table.ts";
export { STYLE } from "./src/display/_style.ts";

// --- Token validation: whoami() / login() / validation card (src/hub, src/display) ---
export { DEFAULT_WHOAMI_TIMEOUT_MS, whoami } from "./src/hub/whoami.ts";
export type { WhoamiOptions } from "./src/hub/whoami.ts";
export { login } from "./src/hub/login.ts";
export type { LoginOptions } from "./src/hub/login.ts";

// --- Browser login: OAuth device code (src/hub/browser_login.ts, src/display/login_card.ts) ---
export { BROWSER_LOGIN_SOURCE, browserLogin } from "./src/hub/browser_login.ts";
export type { BrowserLoginOptions } from "./src/hub/browser_login.ts";
export { DEFAULT_DEVICE_CLIENT_ID, DEVICE_CLIENT_ID_ENV } from "./src/_oauth_client.ts";
export {
  formatCountdown,
  renderLoginHtml,
  renderLoginText,
  renderLoginWaitingLine,
  verificationLink,
} from "./src/display/login_card.ts";
export type { LoginCardData, LoginCardState, LoginTextOptions } from "./src/display/login_card.ts";
export { Validation } from "./src/hub/validation.ts";
export {
  canCallInferenceProviders,
  daysUntil,
  diagnoseToken,
  INFERENCE_PERMISSION,
  TOKENS_PAGE,
} from "./src/hub/diagnose_token.ts";
export type { DiagnoseInput } from "./src/hub/diagnose_token.ts";
export type { Failure, FailureCode } from "./src/hub/types.ts";
export {
  renderValidationHtml,
  renderValidationText,
  verdictTone,
} from "./src/display/validation_card.ts";
export type { ValidationTextOptions } from "./src/display/validation_card.ts";
export type { Tone } from "./src/display/_style.ts";

// --- Probe tables: probe() / diagnosis / renderers (src/probes, src/display/probe_table.ts) ---
export { DEFAULT_PROBE_CONCURRENCY, DEFAULT_PROBE_TIMEOUT_MS, probe } from "./src/probes/probe.ts";
export type { ProbeOptions } from "./src/probes/probe.ts";
export { ProbeTable } from "./src/probes/probe_table.ts";
export type { ProbeTableInit } from "./src/probes/probe_table.ts";
export { DEFAULT_SUITE, SUITE_MODELS } from "./src/probes/default_suite.ts";
export type { SuiteCall, SuiteProbe } from "./src/probes/default_suite.ts";
export { diagnoseFailure, PROBE_PERMISSION_LABELS } from "./src/probes/diagnose_failure.ts";
export type {
  ObservedResponse,
  ProbeDiagnosis,
  ProbeFailureCode,
  ProbeFailureFacts,
} from "./src/probes/diagnose_failure.ts";
export { predictProbe } from "./src/probes/predict.ts";
export type { ProbeNeed } from "./src/probes/predict.ts";
export { countProbeRows, summarizeProbeRows } from "./src/probes/summary.ts";
export type {
  ProbeContext,
  ProbeCounts,
  ProbeEntry,
  ProbeFunction,
  ProbePrediction,
  ProbeResult,
  ProbeRow,
  ProbeTableData,
  ProbeTask,
  ProbeVerdict,
} from "./src/probes/types.ts";
export {
  renderProbeRowText,
  renderProbeTableHtml,
  renderProbeTableText,
} from "./src/display/probe_table.ts";
export type { TextRenderOptions } from "./src/display/probe_table.ts";
