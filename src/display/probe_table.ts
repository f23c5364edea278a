/**
 * Pure renderers of probe tables: data → HTML (for Jupyter) and data → text
 * (for terminals). Every string, including model ids and reasons that came
 * from the network, is escaped; the token appears only in its masked form.
 *
 * @module
 */

import { cleanStrings } from "../_text.ts";
import { html, type SafeHtml } from "./_html.ts";
import { badge, hfnaRoot, INLINE, LINE, PALETTE, sx, TINT, type Tone } from "./_style.ts";
import {
  type CauseFault,
  groupProbeRows,
  predictionOutcome,
  type ProbeCause,
  type ProbeGroups,
} from "./_probe_groups.ts";
import type { ProbeRow, ProbeTableData, ProbeVerdict } from "../probes/types.ts";

const LABELS: Record<ProbeVerdict, string> = {
  ok: "ok",
  failed: "failed",
  skipped: "skipped",
  "predicted-fail": "predicted fail",
  pending: "…",
};

function tone(row: ProbeRow): Tone {
  switch (row.verdict) {
    case "ok":
      return "ok";
    case "failed":
      return row.legacy ? "warn" : "error";
    case "predicted-fail":
      return "warn";
    default:
      return "muted";
  }
}

function tableTone(data: ProbeTableData): Tone {
  if (!data.complete || data.dryRun) return "muted";
  if (data.rows.some((r) => r.verdict === "failed" && !r.legacy)) return "error";
  if (data.rows.some((r) => r.verdict === "failed" || r.verdict === "predicted-fail")) {
    return "warn";
  }
  return "ok";
}

const FAULT: Record<CauseFault, [string, Tone]> = {
  token: ["the token's fault", "error"],
  "not-token": ["not your token", "muted"],
  unclear: ["may be the token", "warn"],
};

/** The headline: the grouped summary, with "N of M work" like the data's summary line. */
function headline(
  data: Pick<ProbeTableData, "rows" | "complete" | "dryRun" | "summary">,
  groups: ProbeGroups,
): string {
  if (data.rows.length === 0) return data.summary;
  if (data.dryRun) return data.summary;
  const decided = data.rows.filter((r) => r.verdict !== "pending" && r.verdict !== "skipped");
  const [first, ...rest] = groups.headline.split(" · ");
  const head = data.complete || decided.length === data.rows.length
    ? `${groups.ok.length} of ${decided.length} work`
    : `${decided.length} of ${data.rows.length} done, ${groups.ok.length} work so far`;
  return [first.match(/^\d+ works?$/) ? head : first, ...rest].join(" · ");
}

function predictionText(row: ProbeRow): string | undefined {
  const p = row.prediction;
  if (!p) return undefined;
  const relation = predictionOutcome(row);
  const note = relation === "match"
    ? " (as observed)"
    : relation === "surprise"
    ? " (observed otherwise: a surprise)"
    : relation === "other-cause"
    ? " (the token is fine: this failed for another reason)"
    : "";
  return `predicted: ${p.outcome === "ok" ? "works" : "fails"} — ${p.reason}${note}`;
}

const CAUSE_CHIP = "display:inline-block;min-width:1.6em;padding:0 4px;border-radius:4px;" +
  `border:1px solid ${LINE};font-size:11px;font-weight:600;text-align:center;line-height:16px;` +
  "margin-left:4px";

function causeChip(cause: ProbeCause | undefined): SafeHtml | "" {
  if (!cause) return "";
  return html`
    <span class="hfna-cause-ref" title="cause ${cause.n}: ${cause.title}"
      style="${CAUSE_CHIP}">${cause.n}</span>
  `;
}

function causeHtml(cause: ProbeCause): SafeHtml {
  const [faultLabel, faultTone] = FAULT[cause.fault];
  const names = cause.rows.map((r) => r.capability).join(", ");
  const count = `${cause.rows.length} row${cause.rows.length === 1 ? "" : "s"}`;
  // The title says what it is; the diagnosis sentence (also in each row's details) is shown
  // here only when the title is no more than the code's name.
  const why = cause.known
    ? ""
    : (cause.reason ? [cause.reason] : cause.reasons).map((r) =>
      html`<div class="hfna-cause-why">${r}</div>`
    );
  return html`
    <div class="hfna-cause hfna-cause-${cause.tone}" data-cause="${cause.n}" style="${sx(
      `border-left:3px solid ${PALETTE[cause.tone]}`,
      `background-color:${TINT[cause.tone]}`,
      "padding:4px 10px;margin:0 0 5px;border-radius:4px;font-size:12.5px;line-height:1.4",
    )}">
      <div style="${sx(
        INLINE.head,
        "margin:0;gap:2px 8px",
      )}"><span style="${CAUSE_CHIP};margin-left:0">${cause
        .n}</span><strong style="font-size:13px">${cause.title}</strong>${badge(
          faultLabel,
          faultTone,
        )}<span class="hfna-muted" title="${names}" style="${INLINE.muted}">${names.length <= 48
        ? `${count}: ${names}`
        : `${count}, marked ${cause.n} below`}</span></div>
      ${why}${cause.fixes.map((f) => html`<div class="hfna-fix"><strong>Fix:</strong> ${f}</div>`)}
    </div>
  `;
}

const ROW_LINE = "display:flex;flex-wrap:wrap;align-items:baseline;gap:1px 8px;padding:2px 2px;" +
  "list-style:none;cursor:pointer";
const ONE_LINE = "white-space:nowrap;overflow:hidden;text-overflow:ellipsis";
// Small bases and proportional growth: the line fits a 600 px column without wrapping, and
// wider columns give the room mostly to the model id.
const CELL = {
  res: "flex:0 0 8.4em;white-space:nowrap",
  cap: "flex:2 1 8em;min-width:0;font-weight:600",
  // one line: a long model id or provider ends in "…" (in full in its tooltip and details)
  target: "flex:3.2 1 8.7em;min-width:0;font-size:11px;" + ONE_LINE,
  prov: "flex:1.4 1 6.5em;min-width:0;" + ONE_LINE,
  http: "flex:0 0 2.4em;text-align:right;white-space:nowrap",
  time: "flex:0 0 4.2em;text-align:right;white-space:nowrap",
};

function rowHtml(row: ProbeRow, cause: ProbeCause | undefined): SafeHtml {
  const tags = [
    row.inferred
      ? html`
        <span class="hfna-tag" title="not called: inferred from role/scopes"
          style="${INLINE
            .muted};font-weight:normal"> · inferred</span>
      `
      : "",
    row.legacy && !/legacy/i.test(row.capability)
      ? html`
        <span class="hfna-tag" title="check kept from an older guide"
          style="${INLINE
            .muted};font-weight:normal"> · legacy</span>
      `
      : "",
  ];
  const relation = predictionOutcome(row);
  const surprise = relation === "surprise"
    ? html`
      ${badge(
        `surprise: predicted ${row.prediction!.outcome === "ok" ? "works" : "fails"}`,
        "info",
      )}
    `
    : "";
  const prediction = predictionText(row);
  const facts = [
    row.target ? `model ${row.target}` : "",
    row.provider ? `provider ${row.provider}` : "",
    row.status !== undefined ? `HTTP ${row.status}` : "",
    row.code ? `code ${row.code}` : "",
    row.requestId ? `request id ${row.requestId}` : "",
    row.latencyMs !== undefined ? `${row.latencyMs} ms` : "",
    `probe id ${row.id}`,
  ].filter(Boolean).join(" · ");
  const more = html`
    <div class="hfna-row-more"
      style="${sx(
        "padding:2px 8px 6px 1.6em;font-size:12px",
      )}">${row.reason ? html`<div class="hfna-why">${row.reason}</div>` : ""}${row.fix
        ? html`<div class="hfna-fix">Fix: ${row.fix}</div>`
        : ""}${row.targetReason
        ? html`<div class="hfna-target-why" style="${INLINE.muted}">model ${row.targetReason}</div>`
        : ""}${prediction
        ? html`<div class="hfna-pred${relation === "surprise" ? " hfna-mismatch" : ""}" style="${
          relation ===
              "surprise"
            ? "font-weight:600"
            : INLINE.muted
        }">${prediction}</div>`
        : ""}<div class="hfna-raw" style="${INLINE.muted}">${facts}</div></div>
  `;
  return html`
    <details class="hfna-row-${row.verdict}" data-probe-id="${row.id}"
      style="border-top:1px solid ${LINE}">
      <summary style="${ROW_LINE}"><span class="hfna-res" style="${CELL
        .res}"><span aria-hidden="true" style="${INLINE
        .muted};font-size:10px">▸</span> ${badge(LABELS[row.verdict], tone(row))}${causeChip(
          cause,
        )}</span><span class="hfna-cap" style="${CELL.cap}">${row
        .capability}${tags}${surprise}</span>${row.target
        ? html`
          <span class="hfna-target" title="${row.target}"
            style="${CELL
              .target}"><code style="${INLINE.code}">${row.target}</code></span>
        `
        : html`<span class="hfna-target hfna-none" style="${CELL.target};${INLINE.muted}">—</span>`}<span class="hfna-prov" title="${row
        .provider ?? ""}" style="${CELL
        .prov}">${row.provider ?? ""}</span><span class="hfna-num hfna-http" style="${CELL
        .http}">${row.status ?? ""}</span><span class="hfna-num hfna-time" style="${CELL
        .time}">${row.latencyMs !== undefined ? `${row.latencyMs} ms` : ""}</span></summary>
      ${more}
    </details>
  `;
}

/**
 * Renders a probe table as a self-contained HTML fragment (inline styles that survive
 * JupyterLab's sanitizer, the shared `.hfna` stylesheet only as an enhancement, no scripts),
 * grouped by cause: a one-line summary on top; each cause once, as a block (what it is, which
 * rows, whether it is the token's fault, the fix); then one compact line per row (verdict,
 * capability, model, provider, HTTP, time) pointing at its cause, with the row's full reason,
 * fix, prediction, request id and raw status in a native `<details>`. A prediction that the
 * outcome contradicts is called out on the row's line.
 *
 * @example Usage
 * ```ts
 * import { renderProbeTableHtml } from "@hf-notebook/auth/display";
 * import assert from "node:assert/strict";
 *
 * const out = renderProbeTableHtml({
 *   summary: "1 of 1 work",
 *   rows: [{
 *     id: "x", capability: "Chat", target: "evil/<img src=x>", verdict: "ok",
 *     inferred: false, legacy: false,
 *   }],
 *   counts: { ok: 1, failed: 0, skipped: 0, predictedFail: 0, pending: 0 },
 *   complete: true, dryRun: false, masked: "hf_sa…ice",
 *   hubUrl: "https://huggingface.co", inferenceUrl: "https://router.huggingface.co",
 *   startedAt: "2025-01-01T00:00:00.000Z",
 * });
 * assert.ok(out.includes("evil/&lt;img src=x&gt;") && !out.includes("<img"));
 * ```
 *
 * @param data The table's data.
 * @returns HTML for `text/html`.
 */
export function renderProbeTableHtml(data: ProbeTableData): string {
  const groups = groupProbeRows(data);
  const inner = html`
    <div class="hfna-head"
      style="${INLINE.head}"><span class="hfna-title" style="${INLINE
        .title}">Token probes</span>
    <code style="${INLINE.code}">${data.masked}</code>${data.source
      ? html`<span class="hfna-sub" style="${INLINE.muted}">from ${data.source}</span>`
      : ""}${data.complete ? "" : badge("running", "info")}${data.dryRun
      ? badge("dry run", "muted")
      : ""}</div>
    <div class="hfna-reason hfna-summary" style="${sx(
      INLINE.reason,
      "font-weight:600",
    )}">${headline(
      data,
      groups,
    )}</div>
    ${groups.causes.map(causeHtml)}
    <div class="hfna-rows"
      style="margin:6px 0 4px;font-size:12px;line-height:1.4">${data.rows.map((
        r,
      ) => rowHtml(r, groups.causeOf.get(r.id)))}</div>
    <div class="hfna-muted hfna-foot"
      style="${INLINE.foot}">Hub ${data.hubUrl} · router ${data
        .inferenceUrl}${data.durationMs !== undefined
        ? ` · ${data.durationMs} ms`
        : ""} · open a row for its full reason, prediction and raw status</div>
  `;
  return hfnaRoot(inner, tableTone(data), "Token probes", {
    className: "hfna-probes",
    maxWidth: 980,
    tint: false,
  });
}

const ANSI = {
  green: (s: string) => `\x1b[32m${s}\x1b[39m`,
  red: (s: string) => `\x1b[31m${s}\x1b[39m`,
  yellow: (s: string) => `\x1b[33m${s}\x1b[39m`,
  dim: (s: string) => `\x1b[2m${s}\x1b[22m`,
  bold: (s: string) => `\x1b[1m${s}\x1b[22m`,
};

const ICONS: Record<ProbeVerdict, string> = {
  ok: "✔",
  failed: "✖",
  skipped: "–",
  "predicted-fail": "▲",
  pending: "…",
};

/** Options of the text renderers. */
export interface TextRenderOptions {
  /** ANSI colours (default `false`). */
  color?: boolean;
  /** Terminal width to wrap at (default 100). */
  columns?: number;
  /** Every row with its full reason, fix, prediction and raw status (default `false`). */
  verbose?: boolean;
  /**
   * Rows only: one line each, naming the cause instead of its reason and fix (live output,
   * followed by {@linkcode renderProbeCausesText} once every row is in).
   */
  compact?: boolean;
}

/** Wraps `text` at `width` columns; continuation lines get `indent`. */
function wrap(text: string, width: number, indent: string, first = ""): string[] {
  const out: string[] = [];
  let line = first;
  let hasWord = first.trim() !== "";
  for (const word of text.split(/[ \t\n]+/).filter(Boolean)) {
    const candidate = hasWord && !line.endsWith(" ") ? `${line} ${word}` : `${line}${word}`;
    if (visible(candidate).length > width && hasWord) {
      out.push(line);
      line = indent + word;
    } else {
      line = candidate;
    }
    hasWord = true;
  }
  out.push(line);
  return out.map((l) => l.trimEnd());
}

// deno-lint-ignore no-control-regex
const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "");

function painter(row: ProbeRow, c: typeof ANSI | undefined) {
  return (s: string) => {
    if (!c) return s;
    const t = tone(row);
    return t === "ok"
      ? c.green(s)
      : t === "error"
      ? c.red(s)
      : t === "warn"
      ? c.yellow(s)
      : c.dim(s);
  };
}

/** The compact line of a row: icon, capability, cause number, model, provider, HTTP, time. */
function rowLine(
  row: ProbeRow,
  cause: ProbeCause | undefined,
  options: TextRenderOptions,
  capWidth = 0,
): string[] {
  const c = options.color ? ANSI : undefined;
  const width = options.columns ?? 100;
  const cap = row.capability + (row.inferred ? " [inferred]" : "") +
    (row.legacy && !/legacy/i.test(row.capability) ? " [legacy]" : "");
  const ref = cause ? `[${cause.n}]` : "";
  const rest = [
    row.target,
    row.provider ? `via ${row.provider}` : "",
    row.status !== undefined ? String(row.status) : "",
    row.latencyMs !== undefined ? `${row.latencyMs}\u00a0ms` : "",
    predictionOutcome(row) === "surprise"
      ? `SURPRISE: predicted ${row.prediction!.outcome === "ok" ? "works" : "fails"}`
      : "",
  ].filter(Boolean).join("  ");
  const head = `${painter(row, c)(ICONS[row.verdict])} ${cap.padEnd(capWidth)} ${ref.padEnd(3)}`;
  return wrap(rest, width, "      ", head + " ");
}

/**
 * Renders one probe row as text: one compact line (verdict icon and label, capability,
 * target, provider, status, latency), then the indented reason, fix and prediction (the
 * prediction only when it disagrees with the outcome, or with `verbose`). Used for live
 * terminal output as rows finish.
 *
 * @example Usage
 * ```ts
 * import { renderProbeRowText } from "@hf-notebook/auth/display";
 * import assert from "node:assert/strict";
 *
 * const text = renderProbeRowText({
 *   id: "hub.whoami", capability: "Authentication", verdict: "ok", status: 200,
 *   latencyMs: 12, inferred: false, legacy: false,
 * });
 * assert.match(text, /✔ ok\s+Authentication .*200 .*12 ms/);
 * ```
 *
 * @param row The row.
 * @param options Colours, width, verbosity.
 * @returns One or more lines, without a trailing newline.
 */
export function renderProbeRowText(row: ProbeRow, options: TextRenderOptions = {}): string {
  row = cleanStrings(row); // every field may hold a server's words: no control reaches a terminal
  const c = options.color ? ANSI : undefined;
  // live lines are not wrapped unless asked: the terminal wraps them at its own width
  const width = options.columns ?? Infinity;
  const head =
    `${
      painter(row, c)(`${ICONS[row.verdict]} ${LABELS[row.verdict].padEnd(14)}`)
    } ${row.capability}` +
    (row.inferred ? " [inferred]" : "") +
    (row.legacy && !/legacy/i.test(row.capability) ? " [legacy]" : "") +
    (row.target ? `  ${row.target}` : "") +
    (row.provider ? `  via ${row.provider}` : "") +
    (row.status !== undefined ? `  ${row.status}` : "") +
    (row.latencyMs !== undefined ? `  ${row.latencyMs} ms` : "");
  if (options.compact) {
    const cause = row.verdict === "failed" || row.verdict === "predicted-fail"
      ? groupProbeRows({ rows: [row], complete: true, dryRun: false }).causes[0]
      : undefined;
    const surprise = predictionOutcome(row) === "surprise"
      ? `  SURPRISE: predicted ${row.prediction!.outcome === "ok" ? "works" : "fails"}`
      : "";
    const note = cause
      ? `  — ${cause.title}`
      : row.verdict === "skipped" && row.reason
      ? `  — ${row.reason}`
      : "";
    return `${head}${note}${surprise}`;
  }
  const indent = " ".repeat(17);
  const lines = [head];
  if (row.reason) {
    lines.push(
      ...wrap(row.reason, width, indent, indent).map((l) =>
        row.verdict === "ok" && c ? c.dim(l) : l
      ),
    );
  }
  if (row.fix && row.verdict !== "ok") {
    lines.push(...wrap(row.fix, width, indent, `${indent}Fix: `));
  }
  if (row.targetReason) {
    lines.push(
      ...wrap(row.targetReason, width, indent, `${indent}Model `).map((l) => c ? c.dim(l) : l),
    );
  }
  const relation = predictionOutcome(row);
  if (
    row.prediction && (options.verbose || relation === "surprise" || relation === "other-cause")
  ) {
    const p = predictionText(row)!;
    lines.push(
      ...wrap(p.charAt(0).toUpperCase() + p.slice(1), width, indent, indent).map((l) =>
        c ? c.dim(l) : l
      ),
    );
  }
  if (options.verbose && (row.code || row.requestId)) {
    lines.push(
      `${indent}${
        [row.code ? `code ${row.code}` : "", row.requestId ? `request id ${row.requestId}` : ""]
          .filter(Boolean).join(" · ")
      }`,
    );
  }
  return lines.join("\n");
}

/**
 * Where the rows' models came from (`targetReason`), in one line where it can: rows picked by
 * the same search are counted by its providers (`Models: most-liked found by search — by
 * hf-inference (3 rows)`); any other reason (a pinned fallback and why) is said once, naming
 * its rows. Each row's own reason is in the verbose text and the HTML details.
 */
function modelLines(
  rows: readonly ProbeRow[],
  width: number,
  c: typeof ANSI | undefined,
): string[] {
  const picked = new Map<string, number>();
  const other = new Map<string, string[]>();
  for (const row of rows) {
    if (!row.targetReason) continue;
    const m = row.targetReason.match(/^picked: most-liked model served by (.*) for [\w-]+$/);
    if (m) picked.set(m[1], (picked.get(m[1]) ?? 0) + 1);
    else other.set(row.targetReason, [...(other.get(row.targetReason) ?? []), row.capability]);
  }
  const rowsOf = (n: number) => `${n} row${n === 1 ? "" : "s"}`;
  const parts = [
    ...(picked.size
      ? [
        `most-liked found by search — ${
          [...picked].map(([by, n]) => `by ${by} (${rowsOf(n)})`).join("; ")
        }`,
      ]
      : []),
    ...[...other].map(([reason, caps]) => `${reason} (${caps.join(", ")})`),
  ];
  if (!parts.length) return [];
  return wrap(`Models: ${parts.join("; ")}`, width, "    ").map((l) => c ? c.dim(l) : l);
}

/**
 * The grouped part of a probe table as text: the one-line summary, then each cause once (what
 * it is, whose fault, how many rows, the shared reason and the fix), then where the models
 * came from (picked by a model search, or the pinned fallback and why). The CLI and the live
 * terminal output print it under the rows they printed as they finished.
 *
 * @example Usage
 * ```ts
 * import { renderProbeCausesText } from "@hf-notebook/auth/display";
 * import assert from "node:assert/strict";
 *
 * const row = { capability: "Chat", verdict: "failed" as const, inferred: false, legacy: false,
 *   code: "missing-inference-permission", reason: "No permission.", fix: "Tick it." };
 * const text = renderProbeCausesText({
 *   rows: [{ ...row, id: "a" }, { ...row, id: "b" }], complete: true, dryRun: false,
 *   summary: "0 of 2 work",
 * });
 * assert.match(text, /^0 of 2 work · 2 blocked by one missing permission/);
 * assert.equal(text.match(/Tick it\./g)?.length, 1);
 * ```
 *
 * @param data The rows and state of the table.
 * @param options Colours, width (default 100 columns; `Infinity` for no wrapping).
 * @returns Multi-line text.
 */
export function renderProbeCausesText(
  data: Pick<ProbeTableData, "rows" | "complete" | "dryRun" | "summary">,
  options: TextRenderOptions = {},
): string {
  data = cleanStrings({ ...data }); // every row field may hold a server's words
  const width = options.columns ?? 100;
  const models = modelLines(data.rows, width, options.color ? ANSI : undefined);
  return [causesText(data, options), ...models].join("\n");
}

function causesText(
  data: Pick<ProbeTableData, "rows" | "complete" | "dryRun" | "summary">,
  options: TextRenderOptions,
): string {
  const c = options.color ? ANSI : undefined;
  const width = options.columns ?? 100;
  const groups = groupProbeRows(data);
  const lines = wrap(headline(data, groups), width, "  ");
  for (const cause of groups.causes) {
    const [fault] = FAULT[cause.fault];
    const what = `[${cause.n}] ${cause.title} (${fault}; ${cause.rows.length} row${
      cause.rows.length === 1 ? "" : "s"
    })${cause.reason || cause.fixes.length === 1 ? ":" : ""}`;
    const paint = cause.tone === "error" ? c?.red : cause.tone === "warn" ? c?.yellow : c?.dim;
    // one paragraph per cause (the fix follows the reason) keeps a table within a screen
    const fixes = cause.fixes.length === 1 ? ` Fix: ${cause.fixes[0]}` : "";
    // rows whose reasons share nothing substantial: each distinct reason once
    const reason = (cause.reason ?? (cause.reasons.length > 1 ? "" : cause.reasons[0] ?? ""))
      .replace(/[^.!?]$/, "$&.");
    if (!cause.reason && cause.reasons.length > 1) {
      lines.push(...wrap(fixes.trim(), width, "    ", `${what} `));
      for (const r of cause.reasons) lines.push(...wrap(r, width, "      ", "    - "));
      continue;
    }
    const [first, ...more] = wrap(`${reason}${fixes}`, width, "    ", what);
    lines.push(paint ? paint(first) : first, ...more);
    if (cause.fixes.length > 1) {
      for (const fix of cause.fixes) lines.push(...wrap(fix, width, "    ", "    Fix: "));
    }
  }
  return lines.join("\n");
}

/**
 * Renders a probe table as plain text for terminals and logs (optionally with ANSI
 * colours), grouped like the HTML table: a header with the masked token, the one-line
 * summary, each cause once (what, which rows, whose fault, the fix), then one compact line
 * per row pointing at its cause (`[1]`). With `verbose`, every row in full instead.
 *
 * @example Usage
 * ```ts
 * import { renderProbeTableText } from "@hf-notebook/auth/display";
 * import assert from "node:assert/strict";
 *
 * const text = renderProbeTableText({
 *   summary: "0 of 1 work",
 *   rows: [{ id: "x", capability: "Chat", verdict: "failed", reason: "403", inferred: false, legacy: false }],
 *   counts: { ok: 0, failed: 1, skipped: 0, predictedFail: 0, pending: 0 },
 *   complete: true, dryRun: false, masked: "hf_sa…ice",
 *   hubUrl: "https://huggingface.co", inferenceUrl: "https://router.huggingface.co",
 *   startedAt: "2025-01-01T00:00:00.000Z",
 * });
 * assert.match(text, /0 of 1 work/);
 * assert.match(text, /✖ Chat \[1\]/);
 * ```
 *
 * @param data The table's data.
 * @param options Colours, width, verbosity.
 * @returns Multi-line text.
 */
export function renderProbeTableText(
  data: ProbeTableData,
  options: TextRenderOptions = {},
): string {
  data = cleanStrings({ ...data }); // model ids, providers, reasons: a server's words, cleaned once
  const c = options.color ? ANSI : undefined;
  const width = options.columns ?? 100;
  const groups = groupProbeRows(data);
  const title = `Token probes — ${data.masked}${data.source ? ` (from ${data.source})` : ""}`;
  const lines = [c ? c.bold(title) : title];
  if (options.verbose) {
    lines.push(...wrap(headline(data, groups), width, "  "));
    lines.push("", ...data.rows.map((r) => renderProbeRowText(r, options)));
  } else {
    lines.push(causesText(data, options));
    const capWidth = Math.min(
      28,
      Math.max(
        ...data.rows.map((r) => r.capability.length + (r.inferred ? 11 : 0) + (r.legacy ? 9 : 0)),
      ),
    );
    lines.push(
      "",
      ...data.rows.flatMap((r) => rowLine(r, groups.causeOf.get(r.id), options, capWidth)),
      ...modelLines(data.rows, width, c),
    );
  }
  lines.push(
    `Hub ${data.hubUrl} · router ${data.inferenceUrl}${
      data.durationMs !== undefined ? ` · ${data.durationMs} ms` : ""
    }`,
  );
  return lines.join("\n");
}
