/**
 * Renderers of the sources table (pure functions: data → HTML / text).
 *
 * @module
 */

import { breakable, html } from "./_html.ts";
import { badge, hfnaRoot, type Tone } from "./_style.ts";
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

/**
 * Renders the sources table as HTML (escaped, scoped styles, no scripts).
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
  const rows = data.rows.map((row) =>
    html`
      <tr>
        <td><code>${breakable(row.source)}</code></td>
        <td>${badge(
          row.active ? "in use" : row.shadowed ? "shadowed" : row.status,
          row.active ? "ok" : row.shadowed ? "warn" : TONES[row.status],
        )}</td>
        <td>${row.masked ? html`<code class="hfna-nowrap">${row.masked}</code>` : ""}</td>
        <td class="hfna-detail">${row.detail ?? ""}</td>
      </tr>
    `
  );
  const warnings = data.warnings.map((w) =>
    html`<li><span class="hfna-icon hfna-warn">▲</span><div>${w.message}${
      w.fix
        ? html`
          <span class="hfna-fix">${w.fix}</span>
        `
        : ""
    }</div></li>`
  );
  const head = html`
    <div
      class="hfna-head"><span class="hfna-title">Token sources</span>${data.active
        ? html`<span class="hfna-sub">in use: <code>${data.active}</code></span>`
        : badge("no token found", "error")}<span class="hfna-sub">platform: ${data
        .platform}</span></div>
  `;
  const inner = html`
    ${head}<table class="hfna-table">
      <thead>
        <tr>
          <th>source</th>
          <th>status</th>
          <th>value</th>
          <th>detail</th>
        </tr>
      </thead>
      <tbody>${rows}</tbody>
    </table>${warnings.length ? html`<ul class="hfna-diags">${warnings}</ul>` : ""}
  `;
  return hfnaRoot(
    inner,
    data.active ? (data.warnings.length ? "warn" : "ok") : "error",
    "Token sources",
  );
}

/**
 * Renders the sources table as aligned plain text.
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
  const width = Math.max(6, ...data.rows.map((r) => r.source.length));
  const lines = [
    `Token sources (platform: ${data.platform}; in use: ${data.active ?? "none"})`,
    ...data.rows.map((row) => {
      const status = row.active ? "in use" : row.shadowed ? "shadowed" : row.status;
      return `${row.active ? "*" : " "} ${row.source.padEnd(width)}  ${status.padEnd(9)}  ${
        (row.masked ?? "").padEnd(10)
      }  ${(row.detail ?? "").replaceAll("\n", "\n" + " ".repeat(width + 27))}`.trimEnd();
    }),
    ...data.warnings.map((w) => `! ${w.message}${w.fix ? ` ${w.fix}` : ""}`),
  ];
  return lines.join("\n");
}
