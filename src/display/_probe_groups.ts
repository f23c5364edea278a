/**
 * Groups the rows of a probe table by cause (pure): every failing row belongs to one cause,
 * keyed by its diagnosis code (`ProbeFailureCode`, or any code a probe returns), so a new
 * failure class gets its own block without changes here. A cause says once what it is, which
 * rows it affects, whether it is the token's fault, and the fix. Shared by the HTML and text
 * renderers, so both follow the same grouping.
 *
 * @module
 */

import type { ProbeRow, ProbeTableData } from "../probes/types.ts";
import type { Tone } from "./_style.ts";
import {
  FAILURE_CLASSES as PROBE_FAILURE_CLASSES,
  type FailureCode as ProbeFailureCode,
} from "../_failure_classes.ts";

/** Whose fault a cause is: the token's (its permissions, role, validity), not, or unclear. */
export type CauseFault = "token" | "not-token" | "unclear";

/** One cause: rows failing (or predicted to fail, or skipped) for the same reason. */
export interface ProbeCause {
  /** 1-based number that rows point at. */
  n: number;
  /** Grouping key (code, plus `legacy:` / `predicted:` / `skipped:` prefixes). */
  key: string;
  /** The diagnosis code, if any. */
  code?: string;
  /** What it is, as a short title. */
  title: string;
  /** Headline phrase after the count: "blocked by a missing permission (…)". */
  phrase: string;
  /**
   * Whether the title is specific to the code (`false` for `unknown` and for a readable form
   * of a code outside `PROBE_FAILURE_CLASSES`: the block then shows the rows' reason).
   */
  known: boolean;
  /**
   * The reason every affected row gives, said once: the rows' common reason, or the sentences
   * all their reasons share; absent when the rows' reasons share nothing substantial.
   */
  reason?: string;
  /** The rows' distinct reasons, when they differ (each said once), in table order. */
  reasons: string[];
  /** The fix, said once (when the rows' fixes differ, each distinct fix once). */
  fixes: string[];
  /** Whether it is the token's fault. */
  fault: CauseFault;
  /** Colour of the block. */
  tone: Tone;
  /** The rows it affects, in table order. */
  rows: ProbeRow[];
}

/** A table split by cause. */
export interface ProbeGroups {
  /** Rows that worked. */
  ok: ProbeRow[];
  /** Causes in order of first appearance, token causes first. */
  causes: ProbeCause[];
  /** The cause of each non-ok row, by row id. */
  causeOf: Map<string, ProbeCause>;
  /** One line: "3 work · 5 blocked by a missing permission (…) · 2 not your token". */
  headline: string;
}

/**
 * Table titles and headline phrases of the failure classes probes meet; other classes use
 * their title in `FAILURE_CLASSES`, other codes a readable fallback.
 */
const KNOWN: Partial<Record<ProbeFailureCode, [title: string, phrase: string]>> = {
  "invalid-token": ["Token rejected (401): invalid, revoked or expired", "rejected (401)"],
  "expired-token": ["Token expired (401)", "refused: token expired"],
  "missing-inference-permission": [
    'Missing permission "Make calls to Inference Providers"',
    "blocked by one missing permission (Inference Providers)",
  ],
  "inference-forbidden": ["Inference refused for this token (403)", "refused for this token"],
  "missing-gated-permission": [
    "Missing permission to read public gated repos",
    "need the gated-repos permission",
  ],
  "gated-model": ["Gated model: terms not accepted", "gated: terms not accepted"],
  "gated-login-required": ["Gated repo: no usable token reached it (401)", "gated: not logged in"],
  "gated-awaiting-review": ["Gated repo: access request awaiting review", "gated: awaiting review"],
  "gated-rejected": ["Gated repo: access request rejected", "gated: request rejected"],
  "gated-reset": ["Gated repo: access request reset, request again", "gated: request reset"],
  "missing-repo-permission": ["Repo read blocked by the token's scopes", "blocked by scopes"],
  forbidden: ["Forbidden (403)", "forbidden"],
  "repo-not-found": ["Repo not found or private (404)", "not found (404)"],
  "repo-not-visible": ["Repo missing or not visible to this token (401)", "not visible"],
  "file-not-found": ["File not found in the repo (404)", "file not found"],
  "revision-not-found": ["Branch, tag or commit not found (404)", "revision not found"],
  "model-not-found": ["Model id unknown to the router or provider", "model unknown"],
  "no-provider": ["Served by no Inference Provider", "served by no provider"],
  "no-enabled-provider": [
    "Served by none of the providers enabled in your settings",
    "no enabled provider",
  ],
  "legacy-model": ["Legacy checks: served by no Inference Provider today", "legacy"],
  "provider-not-serving": ["Not served by the chosen provider", "not on that provider"],
  "unsupported-task": ["Served for another task", "served for another task"],
  "model-deprecated": ["Model deprecated by the provider (410)", "deprecated"],
  "not-a-chat-model": ["Not a chat model: no chat template (422)", "not a chat model"],
  "invalid-request": ["Request parameters rejected (400/422)", "invalid request"],
  "credits-exhausted": ["Inference Providers credits used up (402)", "out of credits"],
  "rate-limited": ["Hub rate limit (429): wait and retry", "rate limited by the Hub"],
  "provider-rate-limited": [
    "Provider rate limit (429): wait and retry",
    "rate limited by the provider",
  ],
  "model-loading": ["Model still loading (503)", "model loading"],
  "server-error": ["Server error (5xx)", "server errors"],
  timeout: ["Timed out", "timed out"],
  cancelled: ["Cancelled by the caller", "cancelled"],
  offline: ["Offline: the Hub or router cannot be reached", "offline"],
  "connection-failed": ["Connection cut", "connection cut"],
  "unexpected-response": ["Unexpected response (HTML page or broken JSON)", "unexpected answers"],
  unknown: ["Failed for an unrecognised reason", "failed"],
};

function failureClass(code: string | undefined): ProbeFailureCode | undefined {
  return code !== undefined && Object.hasOwn(PROBE_FAILURE_CLASSES, code)
    ? code as ProbeFailureCode
    : undefined;
}

function humanize(code: string): string {
  const text = code.replace(/[-_]+/g, " ").trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Whose fault a failed row is: the row's own `tokenFault` flag when the diagnosis set one,
 * else its code's `tokenFault` in `PROBE_FAILURE_CLASSES` (legacy checks are not the
 * token's); `unknown` and codes outside the classes are unclear.
 */
export function rowFault(row: ProbeRow): CauseFault {
  if (typeof row.tokenFault === "boolean") return row.tokenFault ? "token" : "not-token";
  if (row.verdict === "predicted-fail") return "token";
  if (row.verdict === "skipped") return "not-token";
  if (row.legacy) return "not-token";
  const code = failureClass(row.code);
  if (!code || code === "unknown") return "unclear";
  return PROBE_FAILURE_CLASSES[code].tokenFault ? "token" : "not-token";
}

/** Splits text into sentences (ends at `.`, `!` or `?` followed by a space). */
export function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+(?=\S)/).map((s) => s.trim()).filter(Boolean);
}

/** What every row's reason says alike: the shared sentences, or the reason when all agree. */
function sharedReason(rows: readonly ProbeRow[]): string | undefined {
  const reasons = rows.map((r) => r.reason ?? "");
  if (reasons.every((r) => r === reasons[0])) return reasons[0] || undefined;
  const first = sentences(reasons[0]);
  const common = first.filter((s) => reasons.every((r) => sentences(r).includes(s))).join(" ");
  // a fragment such as "(not your token's fault)." says less than the rows' own reasons
  return common.length >= 40 ? common : undefined;
}

function keyOf(row: ProbeRow): string {
  if (row.verdict === "predicted-fail") return `predicted:${row.code ?? ""}`;
  if (row.verdict === "skipped") return "skipped";
  return `${row.legacy ? "legacy:" : ""}${row.code ?? "unknown"}`;
}

function describe(key: string, rows: ProbeRow[]): [string, string, boolean] {
  const code = rows[0].code;
  if (key.startsWith("predicted:")) {
    return ["Not allowed for this token, so not called", "not allowed", true];
  }
  if (key === "skipped") return ["Not run", "skipped", false];
  const cls = failureClass(code ?? "unknown");
  // `unknown` has a title, but it says no more than "failed": the block shows the reason
  const known = cls !== undefined && cls !== "unknown";
  const [title, phrase] = cls
    ? KNOWN[cls] ??
      [PROBE_FAILURE_CLASSES[cls].title, PROBE_FAILURE_CLASSES[cls].title.toLowerCase()]
    : [humanize(code!), humanize(code!).toLowerCase()];
  if (rows[0].legacy && code !== "legacy-model") {
    return [`Legacy checks: ${title.charAt(0).toLowerCase()}${title.slice(1)}`, phrase, known];
  }
  return [title, phrase, known];
}

/**
 * Groups a table's rows by cause, with the one-line headline.
 *
 * @example Usage
 * ```ts
 * import { groupProbeRows } from "./_probe_groups.ts";
 * import assert from "node:assert/strict";
 *
 * const base = { capability: "Chat", inferred: false, legacy: false };
 * const fail = { ...base, verdict: "failed" as const, code: "missing-inference-permission",
 *   reason: "No permission.", fix: "Tick it." };
 * const groups = groupProbeRows({
 *   rows: [{ ...base, id: "a", verdict: "ok" }, { ...fail, id: "b" }, { ...fail, id: "c" }],
 *   complete: true, dryRun: false,
 * });
 * assert.equal(groups.causes.length, 1);
 * assert.deepEqual(groups.causes[0].fixes, ["Tick it."]);
 * assert.equal(groups.headline, "1 works · 2 blocked by one missing permission (Inference Providers)");
 * ```
 *
 * @param data The rows and state of the table.
 * @returns Rows that worked, the causes and the headline.
 */
export function groupProbeRows(
  data: Pick<ProbeTableData, "rows" | "complete" | "dryRun">,
): ProbeGroups {
  const ok: ProbeRow[] = [];
  const byKey = new Map<string, ProbeRow[]>();
  let pending = 0;
  for (const row of data.rows) {
    if (row.verdict === "ok") ok.push(row);
    else if (row.verdict === "pending") pending++;
    else if (!(data.dryRun && row.verdict === "skipped")) {
      const key = keyOf(row);
      byKey.set(key, [...(byKey.get(key) ?? []), row]);
    }
  }
  const faultRank: Record<CauseFault, number> = { token: 0, unclear: 1, "not-token": 2 };
  const causes = [...byKey.entries()]
    .map(([key, rows]): Omit<ProbeCause, "n"> => {
      const [title, phrase, known] = describe(key, rows);
      const fault = rowFault(rows[0]);
      const fixes = [...new Set(rows.map((r) => r.fix).filter((f): f is string => !!f))];
      const reason = sharedReason(rows);
      const reasons = [...new Set(rows.map((r) => r.reason).filter((r): r is string => !!r))];
      const tone: Tone = key === "skipped"
        ? "muted"
        : fault === "token" && !key.startsWith("predicted:")
        ? "error"
        : "warn";
      return {
        key,
        ...(rows[0].code ? { code: rows[0].code } : {}),
        title,
        phrase,
        known,
        ...(reason ? { reason } : {}),
        reasons,
        fixes,
        fault,
        tone,
        rows,
      };
    })
    .map((c, i) => ({ c, i }))
    .sort((a, b) =>
      faultRank[a.c.fault] - faultRank[b.c.fault] ||
      Number(a.c.key.startsWith("predicted:")) - Number(b.c.key.startsWith("predicted:")) ||
      b.c.rows.length - a.c.rows.length || a.i - b.i
    )
    .map(({ c }, i): ProbeCause => ({ n: i + 1, ...c }));
  const causeOf = new Map<string, ProbeCause>();
  for (const cause of causes) for (const row of cause.rows) causeOf.set(row.id, cause);

  const parts: string[] = [];
  if (data.dryRun) {
    parts.push(`dry run: ${data.rows.length} would run, nothing was called`);
  } else {
    parts.push(`${ok.length} work${ok.length === 1 ? "s" : ""}`);
    const notToken = causes.filter((c) => c.fault === "not-token" && c.key !== "skipped");
    for (const c of causes) {
      if (c.fault !== "not-token") parts.push(`${c.rows.length} ${c.phrase}`);
    }
    const n = notToken.reduce((sum, c) => sum + c.rows.length, 0);
    if (n) parts.push(`${n} not your token`);
    const skipped = causes.find((c) => c.key === "skipped");
    if (skipped) parts.push(`${skipped.rows.length} skipped`);
    if (pending) parts.push(`${pending} running…`);
  }
  return { ok, causes, causeOf, headline: parts.join(" · ") };
}

/**
 * How the observed outcome relates to the validation's prediction: `match` (nothing to say),
 * `surprise` (they disagree about the token), `other-cause` (predicted to work, failed for a
 * reason that is not the token's), or `none` (no prediction, or no outcome yet).
 *
 * @example Usage
 * ```ts
 * import { predictionOutcome } from "./_probe_groups.ts";
 * import assert from "node:assert/strict";
 *
 * const row = { id: "a", capability: "Chat", inferred: false, legacy: false };
 * assert.equal(
 *   predictionOutcome({ ...row, verdict: "ok", prediction: { outcome: "fail", reason: "x" } }),
 *   "surprise",
 * );
 * ```
 *
 * @param row A row.
 * @returns The relation.
 */
export function predictionOutcome(row: ProbeRow): "none" | "match" | "surprise" | "other-cause" {
  const p = row.prediction;
  const observed = row.verdict === "ok"
    ? "ok"
    : row.verdict === "failed" || row.verdict === "predicted-fail"
    ? "fail"
    : undefined;
  if (!p || observed === undefined) return "none";
  if (observed === p.outcome) return "match";
  return observed === "fail" && rowFault(row) === "not-token" ? "other-cause" : "surprise";
}
