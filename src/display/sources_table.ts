/**
 * Renderers of the sources table (pure functions: data → HTML / text).
 *
 * @module
 */

import { cleanStrings } from "../_text.ts";
import { breakable, html } from "./_html.ts";
import { badge, hfnaRoot, INLINE, severityIconHtml, sx, type Tone } from "./_style.ts";
import type { TokenWarning } from "../resolve/resolution.ts";

/** One row of the sources table. */
export interface SourceRow {
  /** Source id. */
  source: string;
  /** `found`, `not-found`, `invalid`, `error`, `n/a` (does not apply here). */
  status: "found" | "not-found" | "invalid" | "error" | "n/a";
  /** Masked value, when found. */
  masked?: string;
  /** Whether this source provides the token in use. */
  active: boolean;
  /** Whether a found token here is hidden by an earlier source. */
  shadowed: boolean;
  /** Explanation. */
  detail?: string;
}

/** Data of the sources table. */
export interface SourcesData {
  /** Rows in resolution order. */
  rows: SourceRow[];
  /** Where the token in use comes from, if any. */
  active?: string;
  /** Disagreements and other warnings. */
  warnings: TokenWarning[];
  /** Detected platform. */
  platform: string;
}

const TONES: Record<SourceRow["status"], Tone> = {
  "found": "ok",
  "not-found": "muted",
  "invalid": "error",
  "error": "error",
  "n/a": "muted",
};

/** Whether a row says something: in use, holds a token, or failed to be read. */
function speaks(row: SourceRow): boolean {
  return row.active || row.shadowed || row.status === "found" || row.status === "invalid" ||
    row.status === "error";
}

/**
 * Splits the rows into those that come first (the source in use, every other source holding
 * a token, every source that could not be read) and the quiet ones (nothing there, or not
 * applicable here), both in resolution order.
 *
 * @example Usage
 * ```ts
 * import { splitSourceRows } from "./sources_table.ts";
 * import assert from "node:assert/strict";
 *
 * const { first, quiet } = splitSourceRows([
 *   { source: "env:HF_TOKEN", status: "found", active: true, shadowed: false },
 *   { source: "env:HF_API_KEY", status: "not-found", active: false, shadowed: false },
 * ]);
 * assert.equal(first.length, 1);
 * assert.equal(quiet.length, 1);
 * ```
 *
 * @param rows Rows in resolution order.
 * @returns The rows shown first and the quiet rest.
 */
export function splitSourceRows(
  rows: readonly SourceRow[],
): { first: SourceRow[]; quiet: SourceRow[] } {
  return { first: rows.filter(speaks), quiet: rows.filter((r) => !speaks(r)) };
}

function quietLabel(n: number): string {
  return `${n} other place${n === 1 ? "" : "s"} checked, nothing there`;
}

/**
 * Renders the sources table as HTML (escaped, inline styles that survive sanitizing, no
 * scripts): the source in use, every other source holding a token and every warning first;
 * the places that hold nothing fold into one `<details>` line.
 *
 * @example Usage
 * ```ts
 * import { renderSourcesHtml } from "@hf-notebook/auth/display";
 * import assert from "node:assert/strict";
 *
 * const out = renderSourcesHtml({ rows: [{ source: "env:HF_TOKEN", status: "found", masked: "hf_sa…ice", active: true, shadowed: false }], warnings: [], platform: "terminal" });
 * assert(out.includes("env:<wbr>HF_TOKEN")); // ids may wrap after ":" in narrow columns
 * ```
 *
 * @param data The table.
 * @returns HTML.
 */
export function renderSourcesHtml(data: SourcesData): string {
  const { first, quiet } = splitSourceRows(data.rows);
  const td = INLINE.td;
  const rowHtml = (row: SourceRow) =>
    html`
      <tr style="${INLINE.tr}">
        <td style="${td}"><code style="${INLINE.code}">${breakable(row.source)}</code></td>
        <td style="${td}">${badge(
          row.active ? "in use" : row.shadowed ? "shadowed" : row.status,
          row.active ? "ok" : row.shadowed ? "warn" : TONES[row.status],
        )}</td>
        <td style="${td}">${row.masked
          ? html`<code class="hfna-nowrap" style="${INLINE.code};white-space:nowrap">${row.masked}</code>`
          : ""}</td>
        <td class="hfna-detail" style="${td};white-space:pre-line">${row.detail ?? ""}</td>
      </tr>
    `;
  const head = html`
    <tr style="${INLINE.tr}">
      <th style="${INLINE.th}">source</th>
      <th style="${INLINE.th}">status</th>
      <th style="${INLINE.th}">value</th>
      <th style="${INLINE.th}">detail</th>
    </tr>
  `;
  const table = (rows: SourceRow[]) =>
    html`
      <table class="hfna-table" style="${INLINE.table}">
        <thead>${head}</thead>
        <tbody>${rows
          .map(rowHtml)}</tbody>
      </table>
    `;
  const warnings = data.warnings.map((w) =>
    html`<li style="${INLINE.item}">${severityIconHtml("warning")}<div>${w.message}${
      w.fix
        ? html`
          <span class="hfna-fix" style="${INLINE.muted}">${w.fix}</span>
        `
        : ""
    }</div></li>`
  );
  const header = html`
    <div class="hfna-head"
      style="${INLINE.head}"><span class="hfna-title" style="${INLINE
        .title}">Token sources</span>${data.active
        ? html`
          <span class="hfna-sub"
            style="${INLINE.muted}">in use: <code style="${INLINE
              .code}">${data.active}</code></span>
        `
        : badge("no token found", "error")}<span class="hfna-sub" style="${INLINE
        .muted}">platform: ${data.platform}</span></div>
  `;
  const inner = html`
    ${header}${warnings.length
      ? html`<ul class="hfna-diags" style="${INLINE.list}">${warnings}</ul>`
      : ""}${first.length ? table(first) : ""}${quiet.length
      ? html`<details class="hfna-quiet"><summary style="${sx(INLINE.summary, INLINE.muted)}">${
        quietLabel(
          quiet.length,
        )
      }</summary>${table(quiet)}</details>`
      : ""}
  `;
  return hfnaRoot(
    inner,
    data.active ? (data.warnings.length ? "warn" : "ok") : "error",
    "Token sources",
  );
}

/**
 * Renders the sources table as aligned plain text: warnings first, then the source in use and
 * every source holding a token, then one line for the places that hold nothing (listed by
 * name, so nothing is lost).
 *
 * @example Usage
 * ```ts
 * import { renderSourcesText } from "@hf-notebook/auth/display";
 * import assert from "node:assert/strict";
 *
 * const out = renderSourcesText({ rows: [{ source: "env:HF_TOKEN", status: "found", masked: "hf_sa…ice", active: true, shadowed: false }], warnings: [], platform: "terminal" });
 * assert(out.includes("* env:HF_TOKEN"));
 * ```
 *
 * @param data The table.
 * @returns Text.
 */
export function renderSourcesText(data: SourcesData): string {
  data = cleanStrings({ ...data }); // details and warnings quote files and servers
  const { first, quiet } = splitSourceRows(data.rows);
  const width = Math.max(6, ...first.map((r) => r.source.length));
  const lines = [
    `Token sources (platform: ${data.platform}; in use: ${data.active ?? "none"})`,
    ...data.warnings.map((w) => `! ${w.message}${w.fix ? ` ${w.fix}` : ""}`),
    ...first.map((row) => {
      const status = row.active ? "in use" : row.shadowed ? "shadowed" : row.status;
      return `${row.active ? "*" : " "} ${row.source.padEnd(width)}  ${status.padEnd(9)}  ${
        (row.masked ?? "").padEnd(10)
      }  ${(row.detail ?? "").replaceAll("\n", "\n" + " ".repeat(width + 27))}`.trimEnd();
    }),
  ];
  if (quiet.length) {
    lines.push(
      `  ${quietLabel(quiet.length)}: ${
        quiet.map((r) => r.status === "n/a" ? `${r.source} (n/a)` : r.source).join(", ")
      }`,
    );
  }
  return lines.join("\n");
}
