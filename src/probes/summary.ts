/**
 * The one-line summary on top of a probe table, and verdict counts. Pure.
 *
 * @module
 */

import type { ProbeCounts, ProbeRow } from "./types.ts";

/**
 * Counts rows by verdict.
 *
 * @example Usage
 * ```ts
 * import { countProbeRows } from "@hf-notebook/auth/probes";
 * import assert from "node:assert/strict";
 *
 * const row = { id: "a", capability: "A", inferred: false, legacy: false };
 * assert.deepEqual(
 *   countProbeRows([{ ...row, verdict: "ok" }, { ...row, verdict: "pending" }]),
 *   { ok: 1, failed: 0, skipped: 0, predictedFail: 0, pending: 1 },
 * );
 * ```
 *
 * @param rows The rows.
 * @returns Counts by verdict.
 */
export function countProbeRows(rows: readonly ProbeRow[]): ProbeCounts {
  const counts: ProbeCounts = { ok: 0, failed: 0, skipped: 0, predictedFail: 0, pending: 0 };
  for (const row of rows) {
    if (row.verdict === "predicted-fail") counts.predictedFail++;
    else counts[row.verdict]++;
  }
  return counts;
}

/** What the most common failure means, as a clause of the summary line. */
const CAUSES: Record<string, string> = {
  "missing-inference-permission":
    "inference blocked by a missing permission (Make calls to Inference Providers)",
  "inference-forbidden": "inference refused for this token (403)",
  "invalid-token": "the token was rejected (401): it is invalid, revoked or expired",
  "expired-token": "the token has expired (401)",
  "missing-gated-permission":
    "gated repos blocked by a missing permission (Read access to public gated repos)",
  "gated-model": "a gated model's terms are not accepted",
  "missing-repo-permission": "repo reads blocked by the token's scopes",
  "repo-not-found": "a repo was not found or is private (404)",
  "no-provider": "a model is served by no Inference Provider",
  "provider-not-serving": "a model is not served by the chosen provider",
  "unsupported-task": "a model is served for another task",
  "rate-limited": "rate limited (429): wait and retry",
  "model-loading": "a model is still loading (503)",
  "server-error": "server errors (5xx): not your token",
  timeout: "some calls timed out",
  cancelled: "cancelled",
  offline: "offline: the Hub or router cannot be reached",
  "connection-failed": "connections were cut",
  "unexpected-response": "unexpected responses (HTML page or broken JSON): a proxy in the way?",
  "gated-login-required": "a gated model got no usable token (401: log in)",
  "gated-awaiting-review": "a gated model's access request awaits the authors' review",
  "gated-rejected": "a gated model's access request was rejected by its authors",
  "gated-reset": "a gated model's access request was reset: request again",
  "repo-not-visible": "a repo does not exist or is not visible to this token (401)",
  "file-not-found": "a file was not found in its repo (404)",
  "revision-not-found": "a revision was not found (404)",
  "model-not-found": "a model id is unknown to the router",
  "no-enabled-provider": "a model is served by none of the providers enabled for this account",
  "model-deprecated": "a model is deprecated by its provider (410)",
  "not-a-chat-model": "a model has no chat template (422)",
  "invalid-request": "a request was rejected for its parameters (400/422)",
  "credits-exhausted": "Inference Providers credits are used up (402): see settings/billing",
  "provider-rate-limited": "the provider is throttling (429): wait and retry",
};

/**
 * The summary line of a probe table, e.g. "5 of 8 work; inference blocked by
 * a missing permission (Make calls to Inference Providers)". Legacy rows are
 * counted but never named as the cause; their note is appended instead.
 *
 * @example Usage
 * ```ts
 * import { summarizeProbeRows } from "@hf-notebook/auth/probes";
 * import assert from "node:assert/strict";
 *
 * const base = { capability: "x", inferred: false, legacy: false };
 * assert.deepEqual(
 *   summarizeProbeRows([
 *     { ...base, id: "a", verdict: "ok" },
 *     { ...base, id: "b", verdict: "failed", code: "missing-inference-permission" },
 *   ]),
 *   "1 of 2 work; inference blocked by a missing permission (Make calls to Inference Providers)",
 * );
 * ```
 *
 * @param rows The rows.
 * @param options `dryRun` for a table of calls that were not made.
 * @returns One line.
 */
export function summarizeProbeRows(
  rows: readonly ProbeRow[],
  options: { dryRun?: boolean } = {},
): string {
  const counts = countProbeRows(rows);
  if (options.dryRun) {
    return `Dry run: ${rows.length} probe${
      rows.length === 1 ? "" : "s"
    } would run; nothing was called`;
  }
  if (rows.length === 0) return "No probes selected";
  const decided = counts.ok + counts.failed + counts.predictedFail;
  if (counts.pending > 0) {
    return `Probing… ${
      rows.length - counts.pending
    } of ${rows.length} done, ${counts.ok} work so far`;
  }
  const parts = [`${counts.ok} of ${decided} work`];
  const blamed = rows.filter((r) => r.verdict === "failed" && !r.legacy && r.code);
  const byCode = new Map<string, number>();
  for (const row of blamed) byCode.set(row.code!, (byCode.get(row.code!) ?? 0) + 1);
  const ranked = [...byCode.entries()].sort((a, b) => b[1] - a[1]);
  for (const [code] of ranked.slice(0, 2)) parts.push(CAUSES[code] ?? `failures: ${code}`);
  const writeRow = rows.find((r) => r.inferred && r.verdict === "predicted-fail");
  if (writeRow && ranked.length === 0) {
    parts.push(`${writeRow.capability.toLowerCase()} not allowed`);
  }
  const legacy = rows.filter((r) => r.legacy && r.verdict === "failed");
  if (legacy.length > 0) {
    parts.push(
      `${legacy.length} legacy check${legacy.length === 1 ? "" : "s"} fail${
        legacy.length === 1 ? "s" : ""
      } because no provider serves ${legacy.length === 1 ? "that model" : "those models"} ` +
        "(not your token)",
    );
  }
  if (counts.skipped > 0) parts.push(`${counts.skipped} skipped`);
  return parts.join("; ");
}
