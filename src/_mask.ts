/**
 * Masking: the only form of a token that may ever appear in a message, table, log
 * or inspection output.
 *
 * @module
 */

/**
 * Returns the masked form of a token: the first five and last three characters
 * around an ellipsis (`hf_Ab…xyz`). Short values are masked entirely so that the
 * masked form never reveals most of a secret.
 *
 * @example Usage
 * ```ts
 * import { maskToken } from "@hf-notebook/auth";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(maskToken("hf_sandbox_read_alice"), "hf_sa…ice");
 * assert.deepEqual(maskToken("short"), "•••••");
 * ```
 *
 * @param token The secret to mask.
 * @returns The masked form, safe to show.
 */
export function maskToken(token: string): string {
  if (token.length === 0) return "(empty)";
  if (token.length < 12) return "•".repeat(Math.min(token.length, 8));
  return `${token.slice(0, 5)}…${token.slice(-3)}`;
}

/**
 * Replaces every occurrence of each given secret in `text` with its masked form.
 * Used as a last line of defence on messages built from third-party errors.
 *
 * @example Usage
 * ```ts
 * import { redact } from "@hf-notebook/auth";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   redact("Bearer hf_sandbox_read_alice was refused", ["hf_sandbox_read_alice"]),
 *   "Bearer hf_sa…ice was refused",
 * );
 * ```
 *
 * @param text Text that might contain a secret.
 * @param secrets The secrets to hide.
 * @returns The text with every secret masked.
 */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(maskToken(secret));
  }
  return out;
}
