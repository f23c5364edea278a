/**
 * The result of checking a token with the Hub, as a displayable: a card in
 * Jupyter, an aligned text card in terminals, plain data in `JSON.stringify`.
 * It never holds the token itself, only its masked form.
 *
 * @module
 */

import { Displayable } from "../display/displayable.ts";
import { renderValidationHtml, renderValidationText } from "../display/validation_card.ts";
import type { BrowserLoginInfo, Platform, TokenWarning } from "../resolve/resolution.ts";
import type {
  Diagnostic,
  Failure,
  Identity,
  TokenFacts,
  ValidationData,
  Verdict,
} from "./types.ts";

/**
 * What the Hub said about a token, with findings and fixes. Returned by
 * `whoami()` and `login()`. Render it by leaving it as the last expression of a
 * notebook cell; `toJSON()` gives the plain {@linkcode ValidationData}.
 *
 * @example Usage
 * ```ts
 * import { whoami, Validation } from "@hf-notebook/auth";
 * import { PERSONAS, startSandbox } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * const sandbox = await startSandbox({ quiet: true });
 * try {
 *   const v = await whoami({ token: PERSONAS.read.token, hubUrl: sandbox.url, env: {} });
 *   assert.ok(v instanceof Validation);
 *   assert.deepEqual(v.ok, true);
 *   assert.ok(!JSON.stringify(v).includes(PERSONAS.read.token));
 *   assert.ok(v.toHtml().includes('class="hfna'));
 * } finally {
 *   await sandbox.close();
 * }
 * ```
 */
export class Validation extends Displayable implements ValidationData {
  /** The verdict. */
  readonly verdict: Verdict;
  /** One line for people: why this verdict. */
  readonly reason: string;
  /** Who the token belongs to (when the Hub answered). */
  readonly identity?: Identity;
  /** Facts about the token (when the Hub answered). */
  readonly token?: TokenFacts;
  /** Where the token came from. */
  readonly source?: string;
  /** Browser login (OAuth) facts: name, expiry, renewal. */
  readonly browserLogin?: BrowserLoginInfo;
  /** The masked token (`hf_Ab…xyz`). */
  readonly masked: string;
  /** Platform detected at resolution. */
  readonly platform?: Platform;
  /** Findings with fixes, most severe first. */
  readonly diagnostics: Diagnostic[];
  /** Resolution warnings carried over. */
  readonly warnings: TokenWarning[];
  /** The Hub base URL that was asked. */
  readonly hubUrl: string;
  /** When the check ran (ISO 8601). */
  readonly checkedAt: string;
  /** HTTP status of the whoami call, if one was made and answered. */
  readonly status?: number;
  /** Why the check failed, if it did. */
  readonly failure?: Failure;

  /**
   * Wraps validation data. Normally made by `whoami()`.
   *
   * @param data The plain data (it must not contain the token).
   */
  constructor(data: ValidationData) {
    super();
    this.verdict = data.verdict;
    this.reason = data.reason;
    this.identity = data.identity;
    this.token = data.token;
    this.source = data.source;
    if (data.browserLogin) this.browserLogin = data.browserLogin;
    this.masked = data.masked;
    this.platform = data.platform;
    this.diagnostics = data.diagnostics;
    this.warnings = data.warnings;
    this.hubUrl = data.hubUrl;
    this.checkedAt = data.checkedAt;
    this.status = data.status;
    this.failure = data.failure;
  }

  /** `true` when the Hub accepted the token. */
  get ok(): boolean {
    return this.verdict === "valid";
  }

  /**
   * Whether some scope of a fine-grained token lists `permission`. Read and
   * write tokens have no permission lists (this returns `false` for them): look
   * at `token.role` for those.
   *
   * @param permission A permission id such as `inference.serverless.write`.
   * @returns Whether some scope lists it.
   */
  hasPermission(permission: string): boolean {
    return this.token?.permissions.some((g) => g.permissions.includes(permission)) ?? false;
  }

  /** The plain data (the token appears masked only). */
  toJSON(): ValidationData {
    const out: ValidationData = {
      verdict: this.verdict,
      reason: this.reason,
      masked: this.masked,
      diagnostics: this.diagnostics,
      warnings: this.warnings,
      hubUrl: this.hubUrl,
      checkedAt: this.checkedAt,
    };
    if (this.identity) out.identity = this.identity;
    if (this.token) out.token = this.token;
    if (this.source !== undefined) out.source = this.source;
    if (this.browserLogin) out.browserLogin = this.browserLogin;
    if (this.platform !== undefined) out.platform = this.platform;
    if (this.status !== undefined) out.status = this.status;
    if (this.failure) out.failure = this.failure;
    return out;
  }

  /** The rich card (self-contained HTML, every value escaped). */
  toHtml(): string {
    return renderValidationHtml(this.toJSON());
  }

  /** The plain-text card. */
  override toString(): string {
    return renderValidationText(this.toJSON());
  }
}
