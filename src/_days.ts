/**
 * Date arithmetic shared by the diagnosis (src/hub) and the validation card
 * renderer (src/display), which may import logic only from `src/_*.ts`.
 *
 * @module
 */

const DAY_MS = 86_400_000;

/**
 * Whole days from `fromIso` to `toIso`, rounded up (a token that expires in 3 hours
 * expires "in 1 day"); negative when past. `undefined` if either date is unreadable.
 *
 * @example Usage
 * ```ts
 * import { daysUntil } from "@hf-notebook/auth/diagnose";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(daysUntil("2030-01-04T00:00:00Z", "2030-01-01T00:00:00Z"), 3);
 * ```
 *
 * @param toIso The later date (e.g. `expiresAt`).
 * @param fromIso The reference date (e.g. `checkedAt`).
 * @returns Days, or `undefined`.
 */
export function daysUntil(toIso: string | undefined, fromIso: string): number | undefined {
  if (!toIso) return undefined;
  const to = Date.parse(toIso);
  const from = Date.parse(fromIso);
  if (Number.isNaN(to) || Number.isNaN(from)) return undefined;
  const ms = to - from;
  return ms >= 0 ? Math.ceil(ms / DAY_MS) : -Math.ceil(-ms / DAY_MS);
}
