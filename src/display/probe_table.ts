/**
 * Pure renderers of probe tables: data → HTML (for Jupyter) and data → text
 * (for terminals). Every string, including model ids and reasons that came
 * from the network, is escaped; the token appears only in its masked form.
 *
 * @module
 */

import { html, type SafeHtml } from "./_html.ts";
import { badge, hfnaRoot, type Tone } from "./_style.ts";
import type { ProbeRow, ProbeTableData, ProbeVerdict } from "../probes/types.ts";
import { PROBE_FAILURE_CLASSES } from "../_probe_failure_classes.ts";

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

/**
 * Extra rules for the probe table, scoped under `.hfna-probes`. Column widths keep model ids
 * on two or three lines in a wide output; below 640 px (a narrow notebook column) every row
 * becomes a small card: capability, result, HTTP and time on one line, then the model,
 * provider and reason, so nothing is cut off or squeezed to one character per line.
 */
const PROBE_CSS = `<style>.hfna.hfna-probes{max-width:980px;container-type:inline-size}
.hfna-probes td.hfna-cap{width:14%}
.hfna-probes td.hfna-target{overflow-wrap:anywhere;width:20%}
.hfna-probes td.hfna-prov{width:10%;overflow-wrap:normal}
.hfna-probes td.hfna-res,.hfna-probes td.hfna-num{width:1%;white-space:nowrap}
.hfna-probes td.hfna-why{width:42%}
@container (max-width:640px){
.hfna.hfna-probes table.hfna-table,.hfna.hfna-probes table.hfna-table tbody{display:block;border:0}
.hfna.hfna-probes table.hfna-table thead{display:none}
.hfna.hfna-probes table.hfna-table tr{display:grid;grid-template-columns:minmax(0,1fr) auto auto auto;gap:2px 10px;
border:1px solid var(--jp-border-color2,#d0d7de);border-radius:4px;padding:4px 8px;margin:0 0 6px}
.hfna.hfna-probes table.hfna-table td{display:block;border:0;padding:0;width:auto;min-width:0}
.hfna.hfna-probes table.hfna-table td.hfna-cap{grid-area:1/1;font-weight:600}
.hfna.hfna-probes table.hfna-table td.hfna-res{grid-area:1/2}
.hfna.hfna-probes table.hfna-table td.hfna-http{grid-area:1/3}
.hfna.hfna-probes table.hfna-table td.hfna-time{grid-area:1/4}
.hfna.hfna-probes table.hfna-table td.hfna-target{grid-area:2/1/3/5}
.hfna.hfna-probes table.hfna-table td.hfna-prov{grid-area:3/1/4/5}
.hfna.hfna-probes table.hfna-table td.hfna-why{grid-area:4/1/5/5}
.hfna.hfna-probes table.hfna-table td.hfna-http:not(:empty)::before{content:"HTTP "}
.hfna.hfna-probes table.hfna-table td.hfna-prov::before{content:"provider: "}
.hfna.hfna-probes table.hfna-table td.hfna-none,.hfna.hfna-probes table.hfna-table td.hfna-num:empty{display:none}}
.hfna-probes .hfna-tag{display:inline-block;margin-left:4px;padding:0 5px;border-radius:4px;font-size:11px;
border:1px solid var(--jp-border-color2,#d0d7de);color:var(--hfna-muted,#59636e)}
.hfna-probes .hfna-pred{display:block;margin-top:2px;font-size:11.5px;color:var(--hfna-muted,#59636e)}
.hfna-probes .hfna-pred.hfna-mismatch{font-weight:600}
.hfna-probes tr.hfna-row-pending td{color:var(--hfna-muted,#59636e)}</style>`;

/** Failure codes whose cause is not the token (the service, the model, the account, the network). */
const NOT_THE_TOKEN = new Set(
  Object.entries(PROBE_FAILURE_CLASSES)
    .filter(([code, c]) => !c.tokenFault && code !== "unknown" && code !== "cancelled")
    .map(([code]) => code),
);

const MISMATCH = " (observed otherwise)";

/**
 * How the observed outcome relates to the prediction. A prediction is about the token; a
 * failure with another cause (no provider, a fault of the service, the network) does not make
 * it wrong, so only token failures count as a mismatch.
 */
function predictionNote(row: ProbeRow): string {
  const p = row.prediction;
  const observed = row.verdict === "ok" ? "ok" : row.verdict === "failed" ? "fail" : undefined;
  if (!p || observed === undefined || observed === p.outcome) return "";
  return NOT_THE_TOKEN.has(row.code ?? "")
    ? " (the token is fine: this failed for another reason)"
    : MISMATCH;
}

function predictionHtml(row: ProbeRow): SafeHtml | string {
  const p = row.prediction;
  if (!p) return "";
  const note = predictionNote(row);
  const mismatch = note === MISMATCH;
  return html`<span class="hfna-pred${mismatch ? " hfna-mismatch" : ""}">predicted: ${
    p.outcome === "ok" ? "works" : "fails"
  } — ${p.reason}${note}</span>`;
}

/** A model id with a line-break opportunity after each `/` (text unchanged, parts escaped). */
function breakAfterSlashes(id: string): SafeHtml {
  return html`${id.split("/").map((part, i) => i === 0 ? part : html`/<wbr>${part}`)}`;
}

function rowHtml(row: ProbeRow): SafeHtml {
  const tags = [
    row.inferred
      ? html`<span class="hfna-tag" title="not called: inferred from role/scopes">inferred</span>`
      : "",
    row.legacy
      ? html`<span class="hfna-tag" title="check kept from an older guide">legacy</span>`
      : "",
  ];
  const why = row.verdict === "ok" || row.verdict === "pending"
    ? html`<span class="hfna-muted">${row.reason ?? ""}</span>`
    : html`${row.reason ?? ""}${row.fix ? html`<div class="hfna-fix">Fix: ${row.fix}</div>` : ""}`;
  return html`
    <tr class="hfna-row-${row.verdict}" data-probe-id="${row.id}">
      <td class="hfna-cap">${row.capability}${tags}</td>
      ${row.target
        ? html`<td class="hfna-target"><code>${breakAfterSlashes(row.target)}</code></td>`
        : html`<td class="hfna-target hfna-none">—</td>`}
      <td class="hfna-prov${row.provider ? "" : " hfna-none"}">${row.provider ?? "—"}</td>
      <td class="hfna-res">${badge(LABELS[row.verdict], tone(row))}</td>
      <td class="hfna-num hfna-http">${row.status ?? ""}</td>
      <td class="hfna-num hfna-time">${row.latencyMs !== undefined
        ? `${row.latencyMs} ms`
        : ""}</td>
      <td class="hfna-why">${why}${row.targetReason
        ? html`<span class="hfna-pred">model ${row.targetReason}</span>`
        : ""}${predictionHtml(row)}</td>
    </tr>
  `;
}

/**
 * Renders a probe table as a self-contained HTML fragment (shared `.hfna`
 * stylesheet, no scripts): summary on top, one row per probe with a verdict
 * badge, status, latency, reason, fix and the validation's prediction.
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
 * assert.ok(out.includes("evil/<wbr>&lt;img src=x&gt;") && !out.includes("<img"));
 * ```
 *
 * @param data The table's data.
 * @returns HTML for `text/html`.
 */
export function renderProbeTableHtml(data: ProbeTableData): string {
  const inner = html`
    <div class="hfna-head"><span class="hfna-title">Token probes</span>
    <code>${data.masked}</code>${data.source
      ? html`<span class="hfna-sub">from ${data.source}</span>`
      : ""}${data.complete ? "" : badge("running", "info")}${data.dryRun
      ? badge("dry run", "muted")
      : ""}</div>
    <div class="hfna-reason"><strong>${data.summary}</strong></div>
    <table class="hfna-table">
      <thead>
        <tr>
          <th>Capability</th>
          <th>Model / repo</th>
          <th>Provider</th>
          <th>Result</th>
          <th class="hfna-num">HTTP</th>
          <th class="hfna-num">Time</th>
          <th>Reason / fix</th>
        </tr>
      </thead>
      <tbody>${data.rows.map(rowHtml)}</tbody>
    </table>
    <div class="hfna-muted">Hub ${data.hubUrl} · router ${data
      .inferenceUrl}${data.durationMs !== undefined ? ` · ${data.durationMs} ms` : ""}</div>
  `;
  return PROBE_CSS + hfnaRoot(inner, tableTone(data), "Token probes").replace(
    '<div class="hfna ',
    '<div class="hfna hfna-probes ',
  );
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
}

/**
 * Renders one probe row as text lines (verdict, capability, target, provider,
 * status, latency, then indented reason, fix and prediction). Used for live
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
 * @param options Colours.
 * @returns One or more lines, without a trailing newline.
 */
export function renderProbeRowText(row: ProbeRow, options: TextRenderOptions = {}): string {
  const c = options.color ? ANSI : undefined;
  const paint = (s: string) => {
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
  const head =
    `${paint(`${ICONS[row.verdict]} ${LABELS[row.verdict].padEnd(14)}`)} ${row.capability}` +
    (row.inferred ? " [inferred]" : "") +
    (row.legacy ? " [legacy]" : "") +
    (row.target ? `  ${row.target}` : "") +
    (row.provider ? `  via ${row.provider}` : "") +
    (row.status !== undefined ? `  ${row.status}` : "") +
    (row.latencyMs !== undefined ? `  ${row.latencyMs} ms` : "");
  const lines = [head];
  const indent = " ".repeat(17);
  if (row.reason) lines.push(indent + (row.verdict === "ok" && c ? c.dim(row.reason) : row.reason));
  if (row.fix && row.verdict !== "ok") lines.push(`${indent}Fix: ${row.fix}`);
  if (row.targetReason) {
    const line = `${indent}Model ${row.targetReason}`;
    lines.push(c ? c.dim(line) : line);
  }
  if (row.prediction) {
    const p = row.prediction;
    const line = `${indent}Predicted: ${p.outcome === "ok" ? "works" : "fails"} — ${p.reason}` +
      predictionNote(row);
    lines.push(c ? c.dim(line) : line);
  }
  return lines.join("\n");
}

/**
 * Renders a probe table as plain text for terminals and logs (optionally with
 * ANSI colours): a header with the masked token, the summary, then every row.
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
 * assert.match(text, /✖ failed/);
 * ```
 *
 * @param data The table's data.
 * @param options Colours.
 * @returns Multi-line text.
 */
export function renderProbeTableText(
  data: ProbeTableData,
  options: TextRenderOptions = {},
): string {
  const c = options.color ? ANSI : undefined;
  const title = `Token probes — ${data.masked}${data.source ? ` (from ${data.source})` : ""}`;
  const lines = [
    c ? c.bold(title) : title,
    data.summary,
    "",
    ...data.rows.map((r) => renderProbeRowText(r, options)),
    "",
    `Hub ${data.hubUrl} · router ${data.inferenceUrl}${
      data.durationMs !== undefined ? ` · ${data.durationMs} ms` : ""
    }`,
  ];
  return lines.join("\n");
}
