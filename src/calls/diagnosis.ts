/**
 * `Diagnosis`: what `explain()` resolves to and what an `HfCallError` carries — a card in
 * Jupyter, text in a terminal, plain data for programs.
 *
 * @module
 */

import { Displayable } from "../display/displayable.ts";
import {
  type DiagnosisData,
  renderDiagnosisHtml,
  renderDiagnosisText,
} from "../display/diagnosis_card.ts";
import type { FailureCode } from "../_failure_classes.ts";

export type { DiagnosisData };

/**
 * Why a call failed: the failure class, whose fault it is, the fix, and the facts to quote.
 * Displays as a card in Jupyter and as text in a terminal; `toJSON()` gives the data.
 *
 * @example Usage
 * ```ts
 * import { explain } from "@hf-notebook/auth";
 * import assert from "node:assert/strict";
 *
 * const d = await explain(new Response('{"error":"Too many requests"}', { status: 429 }));
 * assert.equal(d.code, "provider-rate-limited");
 * assert.equal(d.tokenFault, false);
 * assert.equal(d.toJSON().status, 429);
 * ```
 */
export class Diagnosis extends Displayable {
  readonly #data: DiagnosisData;

  /**
   * Wraps diagnosis data (built by `explain()`; every text already masked).
   *
   * @param data The diagnosis.
   */
  constructor(data: DiagnosisData) {
    super();
    this.#data = Object.freeze({ ...data });
  }

  /** The failure class. */
  get code(): FailureCode {
    return this.#data.code as FailureCode;
  }
  /** The class's short title. */
  get title(): string {
    return this.#data.title;
  }
  /** What went wrong. */
  get reason(): string {
    return this.#data.reason;
  }
  /** What to do. */
  get fix(): string {
    return this.#data.fix;
  }
  /** Whether the token itself is to blame. */
  get tokenFault(): boolean {
    return this.#data.tokenFault;
  }
  /** The HTTP status that decided it, if any. */
  get status(): number | undefined {
    return this.#data.status;
  }
  /** The server's request id (masked), if any. */
  get requestId(): string | undefined {
    return this.#data.requestId;
  }
  /** Seconds the answer asked to wait, if any. */
  get waitSeconds(): number | undefined {
    return this.#data.waitSeconds;
  }

  /** The card (HTML, everything escaped). */
  toHtml(): string {
    return renderDiagnosisHtml(this.#data);
  }
  /** The text form (cleaned of terminal controls). */
  override toString(): string {
    return renderDiagnosisText(this.#data);
  }
  /** The data: code, title, reason, fix, tokenFault, status, requestId, provider, model… */
  toJSON(): DiagnosisData {
    return { ...this.#data };
  }
}
