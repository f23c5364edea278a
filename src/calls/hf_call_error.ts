/**
 * `HfCallError`: how a call made through `inferenceClient()` fails — the diagnosis
 * attached, the original error as `cause`, a message that already says what to do.
 *
 * @module
 */

import { HfAuthError } from "../errors.ts";
import type { Diagnosis } from "./diagnosis.ts";
import { shorten } from "../_text.ts";

/**
 * A call failed; `.diagnosis` says why, whose fault it is and what to do, and `.cause` is
 * the client's original error. The message is the reason and the fix, masked and cleaned,
 * so an uncaught failure in a cell already says what to do.
 *
 * @example Usage
 * ```ts
 * import { explain, HfCallError } from "@hf-notebook/auth";
 * import assert from "node:assert/strict";
 *
 * const original = new Error("Failed to perform inference");
 * const d = await explain(new Response("{}", { status: 402 }));
 * const e = new HfCallError(d, original);
 * assert.equal(e.cause, original);
 * assert.equal(e.diagnosis.code, "credits-exhausted");
 * assert.match(e.message, /402/);
 * ```
 */
export class HfCallError extends HfAuthError {
  /** Why the call failed (also a displayable card). */
  readonly diagnosis: Diagnosis;

  /**
   * Creates the error.
   *
   * @param diagnosis The diagnosis (its texts are already masked).
   * @param cause The client's original error.
   */
  constructor(diagnosis: Diagnosis, cause?: unknown) {
    super(
      shorten(`${diagnosis.reason} Fix: ${diagnosis.fix}`, 2000) +
        (diagnosis.requestId ? ` (request id ${shorten(diagnosis.requestId, 120)})` : ""),
      { cause },
    );
    this.diagnosis = diagnosis;
  }
}
