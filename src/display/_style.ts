/**
 * The shared look of every displayable (validation card, probe table, …): one
 * stylesheet scoped under `.hfna`, plus small helpers for badges and severity
 * icons. It reads JupyterLab's theme variables (with light fallbacks that are
 * always set in pairs: text colour together with background), so cards stay
 * readable in light and dark themes, in classic Notebook, and in plain HTML.
 * No scripts, no images, no external resources.
 *
 * @module
 */

import { html, type SafeHtml } from "./_html.ts";

/** Colour role of a badge or card accent. */
export type Tone = "ok" | "error" | "warn" | "info" | "muted";

/** Severity of a finding, as used by diagnostics and probes. */
export type SeverityLike = "error" | "warning" | "info";

// `.hfna dl.hfna-kv dt/dd` set float:none and width:auto because JupyterLab floats output
// dt/dd at 20%/80% widths, which squeezed the card's labels to one letter per line.
const CSS = `
.hfna{font-family:var(--jp-ui-font-family,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);
font-size:13px;line-height:1.45;color:var(--jp-ui-font-color1,#1f2328);
background:var(--jp-layout-color1,#ffffff);border:1px solid var(--jp-border-color2,#d0d7de);
border-left-width:4px;border-radius:6px;max-width:760px;padding:10px 14px;margin:4px 0;
box-sizing:border-box;overflow-wrap:anywhere;word-break:normal;
--hfna-muted:#59636e;--hfna-muted:color-mix(in srgb,var(--jp-ui-font-color1,#1f2328) 70%,var(--jp-layout-color1,#ffffff))}
.hfna *{box-sizing:border-box}
.hfna.hfna-tone-ok{border-left-color:#1a7f37}
.hfna.hfna-tone-error{border-left-color:#cf222e;background:linear-gradient(rgba(207,34,46,.07),rgba(207,34,46,.07)),var(--jp-layout-color1,#ffffff)}
.hfna.hfna-tone-warn{border-left-color:#bf8700}
.hfna.hfna-tone-info{border-left-color:#0969da}
.hfna.hfna-tone-muted{border-left-color:#6e7781}
.hfna-head{display:flex;flex-wrap:wrap;align-items:center;gap:6px 10px;margin:0 0 6px}
.hfna-title{font-weight:600;font-size:14px}
.hfna-sub{color:var(--hfna-muted,#59636e)}
.hfna-muted{color:var(--hfna-muted,#59636e)}
.hfna-badge{display:inline-block;padding:0 8px;border-radius:999px;font-size:11.5px;font-weight:600;
line-height:18px;white-space:nowrap;color:#ffffff;background:#6e7781}
.hfna-badge.hfna-ok{background:#1a7f37}
.hfna-badge.hfna-error{background:#cf222e}
.hfna-badge.hfna-warn{background:#9a6700}
.hfna-badge.hfna-info{background:#0969da}
.hfna-badge.hfna-muted{background:#6e7781}
.hfna-badge.hfna-pro{background:#8250df}
.hfna code,.hfna .hfna-code{font-family:var(--jp-code-font-family,ui-monospace,SFMono-Regular,Menlo,Consolas,monospace);
font-size:12px;background:var(--jp-layout-color2,#f6f8fa);color:var(--jp-ui-font-color1,#1f2328);
padding:0 4px;border-radius:4px}
.hfna dl.hfna-kv{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 12px;margin:4px 0 8px}
.hfna dl.hfna-kv dt{color:var(--hfna-muted,#59636e);margin:0;padding:0;float:none;width:auto;font-weight:normal;text-align:left}
.hfna dl.hfna-kv dd{margin:0;padding:0;min-width:0;float:none;width:auto}
.hfna h4.hfna-section{font-size:12px;font-weight:600;text-transform:uppercase;letter-spacing:.04em;
color:var(--hfna-muted,#59636e);margin:10px 0 4px;padding:0}
.hfna table.hfna-table{border-collapse:collapse;width:100%;margin:4px 0 6px;font-size:12.5px;table-layout:auto}
.hfna table.hfna-table th,.hfna table.hfna-table td{border:1px solid var(--jp-border-color2,#d0d7de);
padding:3px 8px;text-align:left;vertical-align:top;color:var(--jp-ui-font-color1,#1f2328)}
.hfna table.hfna-table th{background:var(--jp-layout-color2,#f6f8fa);font-weight:600;white-space:nowrap}
.hfna .hfna-nowrap{white-space:nowrap;overflow-wrap:normal}
.hfna table.hfna-table tbody tr:nth-child(n),.hfna table.hfna-table tbody tr:nth-child(n):hover{background:transparent}
.hfna table.hfna-table td.hfna-num,.hfna table.hfna-table th.hfna-num{text-align:right;white-space:nowrap}
.hfna ul.hfna-diags{list-style:none;margin:4px 0 0;padding:0}
.hfna ul.hfna-diags li{display:grid;grid-template-columns:1.4em minmax(0,1fr);gap:0 4px;margin:0 0 6px;padding:0}
.hfna .hfna-icon{font-weight:700;text-align:center}
.hfna .hfna-icon.hfna-error{color:#a40e26;color:color-mix(in srgb,#cf222e 62%,var(--jp-ui-font-color1,#1f2328))}
.hfna .hfna-icon.hfna-warn{color:#7d4e00;color:color-mix(in srgb,#bf8700 62%,var(--jp-ui-font-color1,#1f2328))}
.hfna .hfna-icon.hfna-info{color:#0550ae;color:color-mix(in srgb,#0969da 62%,var(--jp-ui-font-color1,#1f2328))}
.hfna .hfna-icon.hfna-ok{color:#116329;color:color-mix(in srgb,#1a7f37 62%,var(--jp-ui-font-color1,#1f2328))}
.hfna .hfna-fix{color:var(--hfna-muted,#59636e)}
.hfna .hfna-reason{margin:2px 0 6px}
.hfna td.hfna-detail{white-space:pre-line}
.hfna .hfna-foot{margin-top:6px;font-size:11.5px}
`.replace(/\n/g, "");

/**
 * The shared stylesheet as a `<style>` block. Every rule is scoped under the
 * `.hfna` class, so including it (once per output) never restyles the rest of
 * the notebook. Put it in front of the root element: `STYLE + '<div class="hfna">…</div>'`.
 *
 * @example Usage
 * ```ts
 * import { STYLE } from "@hf-notebook/auth/display";
 * import assert from "node:assert/strict";
 *
 * assert.ok(STYLE.startsWith("<style>") && STYLE.includes(".hfna"));
 * assert.ok(!STYLE.includes("@import") && !STYLE.includes("url("));
 * ```
 */
export const STYLE: string = `<style>${CSS}</style>`;

/**
 * A small rounded label (`valid`, `PRO`, `403`, …) in a colour that reads on
 * light and dark backgrounds. The label is escaped.
 *
 * @example Usage
 * ```ts
 * import { badge } from "./_style.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   badge("<ok>", "ok").toString(),
 *   '<span class="hfna-badge hfna-ok">&lt;ok&gt;</span>',
 * );
 * ```
 *
 * @param label The text on the badge.
 * @param tone Its colour role.
 * @returns Safe markup.
 */
export function badge(label: string, tone: Tone | "pro" = "muted"): SafeHtml {
  return html`<span class="hfna-badge hfna-${tone}">${label}</span>`;
}

/**
 * Maps a severity to its tone (`error` → `error`, `warning` → `warn`, `info` → `info`).
 *
 * @example Usage
 * ```ts
 * import { severityTone } from "./_style.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(severityTone("warning"), "warn");
 * ```
 *
 * @param severity A diagnostic severity.
 * @returns The matching tone.
 */
export function severityTone(severity: SeverityLike): Tone {
  return severity === "error" ? "error" : severity === "warning" ? "warn" : "info";
}

const ICONS: Record<SeverityLike, string> = { error: "✖", warning: "▲", info: "ℹ" };

/**
 * The one-character icon of a severity, as plain text (`✖`, `▲`, `ℹ`).
 *
 * @example Usage
 * ```ts
 * import { severityIcon } from "./_style.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(severityIcon("error"), "✖");
 * ```
 *
 * @param severity A diagnostic severity.
 * @returns The icon character.
 */
export function severityIcon(severity: SeverityLike): string {
  return ICONS[severity];
}

/**
 * The coloured severity icon as markup, with the severity as its tooltip.
 *
 * @example Usage
 * ```ts
 * import { severityIconHtml } from "./_style.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(severityIconHtml("warning").toString().includes("hfna-warn"));
 * ```
 *
 * @param severity A diagnostic severity.
 * @returns Safe markup.
 */
export function severityIconHtml(severity: SeverityLike): SafeHtml {
  return html`<span class="hfna-icon hfna-${severityTone(severity)}" title="${severity}">${
    ICONS[severity]
  }</span>`;
}

/**
 * Wraps already-safe inner markup in the root `.hfna` element (with the
 * stylesheet in front), accented with a tone. Use it for every displayable's
 * `toHtml()` so all cards and tables look alike.
 *
 * @example Usage
 * ```ts
 * import { badge, hfnaRoot } from "./_style.ts";
 * import assert from "node:assert/strict";
 *
 * const out = hfnaRoot(badge("valid", "ok"), "ok");
 * assert.ok(out.includes('<div class="hfna hfna-tone-ok">'));
 * ```
 *
 * @param inner Safe markup built with the html`` tag.
 * @param tone The accent of the card's left border.
 * @param label Accessible label of the card.
 * @returns An HTML string ready for `text/html`.
 */
export function hfnaRoot(inner: SafeHtml, tone: Tone = "muted", label?: string): string {
  const cls = `hfna hfna-tone-${tone}`;
  const root = label
    ? html`<div class="${cls}" role="group" aria-label="${label}">${inner}</div>`
    : html`<div class="${cls}">${inner}</div>`;
  return STYLE + root.toString();
}
