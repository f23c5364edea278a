/**
 * Data shapes of a token validation (what `whoami()` learns from the Hub) and
 * of diagnostics. The `Validation` displayable implements {@linkcode ValidationData};
 * probes use it to predict failures.
 *
 * @module
 */

import type { BrowserLoginInfo, Platform, TokenWarning } from "../resolve/resolution.ts";

/** Overall verdict on a token. */
export type Verdict =
  | "valid"
  | "invalid"
  | "expired"
  | "offline"
  | "network-error"
  | "rate-limited"
  | "server-error";

/** Who the token belongs to. */
export interface Identity {
  /** `user`, `org` or `app` (OAuth / app tokens). */
  kind: "user" | "org" | "app";
  /** Account name (handle). */
  name: string;
  /** Display name, as the Hub returns it (may contain anything: always escape). */
  fullname?: string;
  /** Organisations the account belongs to, with the role in each. */
  orgs: { name: string; fullname?: string; role?: string }[];
  /** Whether the account has PRO. */
  isPro?: boolean;
}

/** Fine-grained permissions, grouped for display. */
export interface PermissionGroup {
  /** What the permissions apply to: `global`, or an entity like `org:acme`, `user:alice`, `model:org/x`. */
  scope: string;
  /** Raw permission ids, e.g. `inference.serverless.write`, `repo.content.read`. */
  permissions: string[];
}

/** Facts about the token itself. */
export interface TokenFacts {
  /** The name given to the token on the Hub settings page. */
  displayName?: string;
  /** `read`, `write` or `fineGrained`. */
  role?: "read" | "write" | "fineGrained";
  /** Fine-grained permissions grouped by scope (fine-grained tokens only). */
  permissions: PermissionGroup[];
  /** Whether a fine-grained token can read gated repos the user has access to. */
  canReadGatedRepos?: boolean;
  /** Creation date (ISO 8601). */
  createdAt?: string;
  /** Expiry date (ISO 8601), if any. */
  expiresAt?: string;
  /** How the Hub authenticated the token: `access_token`, `app_token`, `app_token_as_user`. */
  authType?: string;
  /** For app (OAuth) tokens: the entities the app may act on and its role there. */
  appScope?: { entities: string[]; role?: string };
}

/** Severity of a diagnostic. */
export type Severity = "error" | "warning" | "info";

/** One finding about a token, with the fix. */
export interface Diagnostic {
  /** Machine-readable id, e.g. `missing-inference-permission`, `read-token-cannot-write`. */
  code: string;
  /** How bad it is. */
  severity: Severity;
  /** What is wrong, in one sentence. */
  message: string;
  /** What to do, in one sentence (where to click, what to set). */
  fix: string;
}

/** Everything a validation knows, as plain data (`Validation#toJSON()` returns this). */
export interface ValidationData {
  /** The verdict. */
  verdict: Verdict;
  /** A one-line reason for the verdict, for people. */
  reason: string;
  /** Who the token belongs to (when the Hub answered). */
  identity?: Identity;
  /** Token facts (when the Hub answered). */
  token?: TokenFacts;
  /** Where the token came from (`env:HF_TOKEN`, …). */
  source?: string;
  /**
   * Set when the token is a browser login (an OAuth token stored with a
   * refresh token by `hf auth login` ≥ 1.20 or `browserLogin()`): its
   * `stored_tokens` name, expiry, whether it renews itself, what the renewal did.
   */
  browserLogin?: BrowserLoginInfo;
  /** The masked token. */
  masked: string;
  /** Platform detected at resolution. */
  platform?: Platform;
  /** Findings with fixes, most severe first. */
  diagnostics: Diagnostic[];
  /** Resolution warnings that were carried over. */
  warnings: TokenWarning[];
  /** Hub base URL that was asked. */
  hubUrl: string;
  /** When the check ran (ISO 8601). */
  checkedAt: string;
  /** HTTP status of the whoami call, if any. */
  status?: number;
  /** Why the check did not succeed (absent when the Hub answered 200). */
  failure?: Failure;
}

/**
 * Machine-readable cause of a failed check: the one failure vocabulary (see
 * `FAILURE_CLASSES` in `@hf-notebook/auth/diagnose`); each has a diagnostic with the same code.
 */
export type { FailureCode } from "../_failure_classes.ts";
import type { FailureCode } from "../_failure_classes.ts";

/** Details of a failed check. Never contains the token. */
export interface Failure {
  /** What went wrong. */
  code: FailureCode;
  /** The host that was asked (`huggingface.co`, `127.0.0.1:8080`). */
  host?: string;
  /** Seconds the Hub asked to wait (`Retry-After`), for `rate-limited`. */
  retryAfterSeconds?: number;
  /** Redacted, short detail from the client or server (for people). */
  detail?: string;
  /** For `offline` / `connection-failed`: DNS, refused, TLS, reset or other. */
  network?: "dns" | "refused" | "tls" | "reset" | "other";
}
