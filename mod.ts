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
 * - **Or log in through the browser**: `browserLogin()` (and `login()` when
 *   no token is found) runs the OAuth device-code flow of `hf auth login`
 *   (link, code, QR code), saves the login where huggingface_hub does and
 *   renews it when it nears expiry. With `HF_OIDC_RESOURCE` set (Trusted
 *   Publishers, in CI) the token comes from an OIDC token exchange.
 * - **Keep it for the session**: resolved once per kernel; later calls do no I/O.
 * - **Show what it is and can do**: `login()` / `whoami()` return a validation
 *   card, `probe()` a capability table, `sources()` the sources table; each
 *   renders as HTML in Jupyter and as text in a terminal. Tokens only ever
 *   appear masked (`hf_Ab…xyz`).
 *
 * This entry point holds what a notebook or script calls. The building blocks
 * live in subpath modules that say what they hold:
 *
 * | Import | What it holds |
 * | --- | --- |
 * | `@hf-notebook/auth/sources` | source constructors (Kaggle, mounted secrets, env, dotenv, token file), the OIDC token exchange, token hygiene, platform detection, the prompt, the Colab bridge cell |
 * | `@hf-notebook/auth/resolve` | the ordered source list, platform fixes, the session cache |
 * | `@hf-notebook/auth/store` | where the token files live, the `stored_tokens` INI codec |
 * | `@hf-notebook/auth/hub` | Hub endpoints and the guarded fetch that keeps the token on them, the browser login's source id and OAuth client id |
 * | `@hf-notebook/auth/diagnose` | the pure diagnosis of a validation and of a failed probe |
 * | `@hf-notebook/auth/probes` | the default probe suite, probe defaults and row counts |
 * | `@hf-notebook/auth/scan` | the token matcher, notebook locator and output remover behind `scan()` |
 * | `@hf-notebook/auth/display` | the pure HTML and text renderers (cards, tables, the browser login) and their stylesheet |
 * | `@hf-notebook/auth/sandbox` | a local fake Hub for tests and demos |
 * | `@hf-notebook/auth/cli` | the `hf`-style command line |
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

// Tokens are shown masked, everywhere.
export { maskToken, redact } from "./src/_mask.ts";
export type { EnvLike } from "./src/_env.ts";

// Errors: typed classes whose messages say what happened, where, and what to do.
// Rarer ones are in subpaths (all are `HfAuthError`s): `SecretAccessError`,
// `SecretNotFoundError` and `OidcError` in /sources, `UnknownProbeTaskError` in /probes.
export {
  DeviceCodeError,
  HfAuthError,
  InvalidTokenError,
  TokenNotFoundError,
  TokenStorageError,
} from "./src/errors.ts";

// Finding the token: resolution, the session, the sources table, named secrets.
export { clearToken, getToken, resolveToken, setToken } from "./src/resolve/resolve_token.ts";
export type { ResolveOptions } from "./src/resolve/resolve_token.ts";
export type { SourceListOptions } from "./src/resolve/source_list.ts";
export { Resolution } from "./src/resolve/resolution.ts";
export type {
  BrowserLoginInfo,
  Platform,
  TokenWarning,
  TokenWarningCode,
} from "./src/resolve/resolution.ts";
export type {
  Attempt,
  AttemptOutcome,
  SourceContext,
  SourceLookup,
  SourceSession,
  TokenSource,
} from "./src/sources/types.ts";
// The interface of a custom secret store (pass it as `stores: [...]`).
export type { SecretStore, SecretValue } from "./src/sources/secret_store.ts";
export { sources, SourcesTable } from "./src/resolve/sources_table.ts";
export type { SourceRow, SourcesData } from "./src/display/sources_table.ts";
export { secrets } from "./src/resolve/secrets.ts";
export type { SecretsOptions } from "./src/resolve/secrets.ts";

// Keeping tokens on disk (opt-in), in huggingface_hub's files.
export { forgetToken, listStoredTokens, saveToken, switchToken } from "./src/store/save_token.ts";
export type {
  SaveTokenOptions,
  StoredTokenInfo,
  StoreOptions,
  StoreResult,
} from "./src/store/save_token.ts";

// What the token is: whoami() and login() return the validation card.
export { whoami } from "./src/hub/whoami.ts";
export type { WhoamiOptions } from "./src/hub/whoami.ts";
export { login } from "./src/hub/login.ts";
export type { LoginOptions } from "./src/hub/login.ts";
// Logging in through the browser (OAuth device code, as `hf auth login`) also returns the card.
export { browserLogin } from "./src/hub/browser_login.ts";
export type { BrowserLoginOptions } from "./src/hub/browser_login.ts";
export { Validation } from "./src/hub/validation.ts";
export type { NetworkOptions } from "./src/hub/endpoints.ts";
export type {
  Diagnostic,
  Failure,
  FailureCode,
  Identity,
  PermissionGroup,
  Severity,
  TokenFacts,
  ValidationData,
  Verdict,
} from "./src/hub/types.ts";

// What the token can do: probe() returns the capability table.
export { probe } from "./src/probes/probe.ts";
export type { ProbeOptions } from "./src/probes/probe.ts";
export type { ModelSearch, SuiteCall, SuiteProbe } from "./src/probes/default_suite.ts";
export type { HubTaskId } from "./src/probes/probe_task.ts";
export type { ProbeNeed } from "./src/probes/predict.ts";
export type {
  FailureClass,
  FailureDiagnosis,
  FailureFacts,
  NetworkKind,
  ObservedResponse,
  ProbeDiagnosis,
  ProbeFailureClass,
  ProbeFailureCode,
  ProbeFailureFacts,
} from "./src/hub/diagnose_failure.ts";
export { ProbeTable } from "./src/probes/probe_table.ts";
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

// Your own calls explained: explain() any failure; a client whose failures say why and
// whose short rate-limit waits are waited out; credentials for @huggingface/hub calls.
export {
  Diagnosis,
  explain,
  HfCallError,
  hubCredentials,
  inferenceClient,
} from "./src/calls/mod.ts";
export type {
  DiagnosisData,
  ExplainOptions,
  HfInferenceClient,
  HubCredentials,
  HubCredentialsOptions,
  InferenceClientOptions,
  RetryWait,
} from "./src/calls/mod.ts";
// Finding a leaked token before it is shared: scan() returns the report (`hf scan` in a shell).
export { scan } from "./src/scan/scan.ts";
export type { ScanOptions } from "./src/scan/scan.ts";
export type {
  ScanChange,
  ScanData,
  ScanFinding,
  ScanNotice,
  ScanNoticeCode,
  ScanResult,
  ScanToken,
  TokenStatus,
} from "./src/scan/scan_report.ts";
export type { TokenKind } from "./src/scan/match_tokens.ts";
export type { ScanPart } from "./src/scan/locate_in_notebook.ts";

// What the cards and tables are: displayable values (HTML in Jupyter, text in a terminal).
export type { Displayable, MimeBundle } from "./src/display/displayable.ts";
