/**
 * Typed errors. Every message says what happened, where, and what to do, and
 * never contains a token (only its masked form).
 *
 * @module
 */

/**
 * Base class of every error this module throws.
 *
 * @example Usage
 * ```ts
 * import { HfAuthError, TokenNotFoundError } from "@hf-notebook/auth";
 * import assert from "node:assert/strict";
 *
 * assert(new TokenNotFoundError("no token") instanceof HfAuthError);
 * ```
 */
export class HfAuthError extends Error {
  /**
   * Creates the error.
   *
   * @param message What happened, where and what to do.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * No source had a token and no prompt could be shown (or it was dismissed).
 * The message lists every source tried and the fix for the detected platform.
 *
 * @example Usage
 * ```ts
 * import { getToken, TokenNotFoundError } from "@hf-notebook/auth";
 * import assert from "node:assert/strict";
 *
 * try {
 *   await getToken({ prompt: false, env: {}, cwd: "/nonexistent", secretFiles: [], mountedSecretDirs: [], refresh: true });
 * } catch (e) {
 *   assert(e instanceof TokenNotFoundError);
 * }
 * ```
 */
export class TokenNotFoundError extends HfAuthError {}

/**
 * A token was found but is malformed (empty, too long, inner whitespace or
 * control characters). The message names the source, never the value.
 *
 * @example Usage
 * ```ts
 * import { InvalidTokenError } from "@hf-notebook/auth";
 * import { normalizeToken } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => normalizeToken("hf_a b", "env:HF_TOKEN"), InvalidTokenError);
 * ```
 */
export class InvalidTokenError extends HfAuthError {
  /** The source that held the malformed value (e.g. `env:HF_TOKEN`). */
  readonly source: string;
  /**
   * Creates the error.
   *
   * @param message What is wrong with the value and how to fix it.
   * @param source Where the value came from.
   */
  constructor(message: string, source: string) {
    super(message);
    this.source = source;
  }
}

/**
 * A named secret is not in any secret store.
 *
 * @example Usage
 * ```ts
 * import { SecretNotFoundError } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * const e = new SecretNotFoundError("MY_SECRET", "Secret MY_SECRET was not found.");
 * assert.deepEqual(e.secretName, "MY_SECRET");
 * ```
 */
export class SecretNotFoundError extends HfAuthError {
  /** The name that was looked up. */
  readonly secretName: string;
  /**
   * Creates the error.
   *
   * @param secretName The name that was looked up.
   * @param message Which stores were asked and how to add the secret.
   */
  constructor(secretName: string, message: string) {
    super(message);
    this.secretName = secretName;
  }
}

/**
 * A secret store exists but refused or failed to answer (permission denied,
 * HTTP error, malformed response).
 *
 * @example Usage
 * ```ts
 * import { SecretAccessError } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * const e = new SecretAccessError("HF_TOKEN", "kaggle", "Kaggle answered 401.");
 * assert.deepEqual(e.store, "kaggle");
 * ```
 */
export class SecretAccessError extends HfAuthError {
  /** The name that was looked up. */
  readonly secretName: string;
  /** The store that failed (e.g. `kaggle`, `file:/run/secrets`). */
  readonly store: string;
  /**
   * Creates the error.
   *
   * @param secretName The name that was looked up.
   * @param store The store that failed.
   * @param message What failed and what to do.
   * @param options Standard error options (`cause`).
   */
  constructor(secretName: string, store: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.secretName = secretName;
    this.store = store;
  }
}

/**
 * Reading or writing a stored token file failed (permissions, read-only
 * directory, malformed `stored_tokens`). Nothing was half-written.
 *
 * @example Usage
 * ```ts
 * import { TokenStorageError } from "@hf-notebook/auth";
 * import assert from "node:assert/strict";
 *
 * const e = new TokenStorageError("/tmp/x", "Cannot write /tmp/x: read-only.");
 * assert.deepEqual(e.path, "/tmp/x");
 * ```
 */
export class TokenStorageError extends HfAuthError {
  /** The file or directory involved. */
  readonly path: string;
  /**
   * Creates the error.
   *
   * @param path The file or directory involved.
   * @param message What failed and what to do.
   * @param options Standard error options (`cause`).
   */
  constructor(path: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.path = path;
  }
}

/**
 * A browser login (OAuth device code, RFC 8628) failed: the person denied it,
 * the code expired, the Hub answered something unusable or could not be
 * reached. `code` is the OAuth `error` value when the Hub sent one
 * (`access_denied`, `expired_token`, …), else one of `bad-response`,
 * `server`, `network`, `unreachable`, `cancelled`, `offline` (`HF_HUB_OFFLINE`),
 * `too-large` (an answer past 1 MiB), `redirect` (a 3xx, refused: the request
 * carried a secret), `bad-token` (the Hub sent a token a pasted one could not be).
 *
 * @example Usage
 * ```ts
 * import { DeviceCodeError, HfAuthError } from "@hf-notebook/auth";
 * import assert from "node:assert/strict";
 *
 * const e = new DeviceCodeError("access_denied", "The login was denied in the browser.");
 * assert(e instanceof HfAuthError);
 * assert.deepEqual(e.code, "access_denied");
 *
 * const told = new DeviceCodeError("expired_token", "The login code expired.", {
 *   next: "Run the login again.",
 * });
 * assert.equal(told.message, "The login code expired. Run the login again.");
 * assert.equal(told.happened, "The login code expired.");
 * ```
 */
export class DeviceCodeError extends HfAuthError {
  /** The OAuth `error` code, or this module's own reason (see the class description). */
  readonly code: string;
  /** What happened and where, without the next step (the whole message when no `next` was given). */
  readonly happened: string;
  /** What to do next, when given apart (`message` then ends with it). */
  readonly next?: string;
  /**
   * Creates the error.
   *
   * @param code The OAuth `error` code or this module's reason.
   * @param message What happened (and, without `options.next`, what to do).
   * @param options Standard error options (`cause`), and `next`: what to do, appended to the
   *   message and kept apart so a card can show it once.
   */
  constructor(code: string, message: string, options?: ErrorOptions & { next?: string }) {
    super(options?.next ? `${message} ${options.next}` : message, options);
    this.code = code;
    this.happened = message;
    if (options?.next) this.next = options.next;
  }
}

/**
 * `HF_OIDC_RESOURCE` is set (Trusted Publishers, in CI) but no Hugging Face
 * token could be obtained through the OIDC exchange. As huggingface_hub does,
 * this is an error, never a silent fall-through to another token. `code`:
 * `no-id-token` (not in GitHub Actions and no `HF_OIDC_ID_TOKEN`),
 * `github-permissions` (`ACTIONS_ID_TOKEN_REQUEST_URL`/`_TOKEN` missing),
 * `github-refused`, `exchange-refused` (the Hub's OAuth `error`, e.g.
 * `invalid_grant`, `invalid_target`), `server` (5xx), `network`, `bad-response`,
 * `too-large` (an answer past 1 MiB), `redirect` (refused), `bad-token`.
 *
 * @example Usage
 * ```ts
 * import { HfAuthError } from "@hf-notebook/auth";
 * import { OidcError } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * const e = new OidcError("no-id-token", "HF_OIDC_RESOURCE is set but no OIDC id token is available.");
 * assert(e instanceof HfAuthError);
 * assert.equal(e.code, "no-id-token");
 * ```
 */
export class OidcError extends HfAuthError {
  /** Why (see the class description). */
  readonly code: string;
  /** The OAuth `error` the Hub sent, if any (`invalid_grant`, `invalid_target`, …). */
  readonly oauthError?: string;
  /**
   * Creates the error.
   *
   * @param code Why.
   * @param message What happened and what to do (never a token).
   * @param options Standard error options plus the Hub's OAuth `error`.
   */
  constructor(code: string, message: string, options?: ErrorOptions & { oauthError?: string }) {
    super(message, options);
    this.code = code;
    if (options?.oauthError) this.oauthError = options.oauthError;
  }
}

/**
 * A probe names a task the probe API does not know. Thrown by `probe()` before
 * any request is made; `valid` lists the accepted names (the Hub's task ids
 * such as `text-classification` and the client's method names such as
 * `textClassification`).
 *
 * @example Usage
 * ```ts
 * import { probe } from "@hf-notebook/auth";
 * import { UnknownProbeTaskError } from "@hf-notebook/auth/probes";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   // deno-lint-ignore no-explicit-any
 *   probe({ token: "hf_x", env: {}, suite: [], probes: [{ task: "summarization" as any, model: "m" }] }),
 *   (e) => e instanceof UnknownProbeTaskError && e.valid.includes("text-classification"),
 * );
 * ```
 */
export class UnknownProbeTaskError extends HfAuthError {
  /** The task name that was given. */
  readonly task: string;
  /** Every accepted task name. */
  readonly valid: readonly string[];
  /**
   * Creates the error.
   *
   * @param task The task name that was given.
   * @param valid Every accepted task name.
   * @param where Which probe named it (e.g. `probes[0] (model dslim/bert-base-NER)`).
   */
  constructor(task: string, valid: readonly string[], where: string) {
    super(
      `Unknown probe task ${JSON.stringify(task)} in ${where}; nothing was called. ` +
        `Use one of: ${valid.join(", ")}.`,
    );
    this.task = task;
    this.valid = valid;
  }
}
